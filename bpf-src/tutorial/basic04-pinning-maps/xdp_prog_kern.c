// SPDX-License-Identifier: GPL-2.0
/*
 * basic04: per-action statistics in xdp_stats_map (PERCPU_ARRAY, common/xdp_stats_kern.h) that
 * outlive the program: load with --pin-maps and a reload of another section reuses the pinned map,
 * so `jbpf stats --pin-dir` reads counters that go on across programs.
 *   t load -- -F --progsec xdp_pass --pin-maps     t stats -- --pin-dir
 *   t load -- -F --progsec xdp_drop --pin-maps     (same map, XDP_DROP counts now)
 * Test: XdpTutorialBasicIT#basic04...
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xdp_stats_kern.h"

SEC("xdp_pass")
int xdp_pass_func(struct xdp_md *ctx)
{
	return xdp_stats_record_action(ctx, XDP_PASS);
}

SEC("xdp_drop")
int xdp_drop_func(struct xdp_md *ctx)
{
	return xdp_stats_record_action(ctx, XDP_DROP);
}

SEC("xdp_abort")
int xdp_abort_func(struct xdp_md *ctx)
{
	return xdp_stats_record_action(ctx, XDP_ABORTED);
}

char _license[] SEC("license") = "GPL";
