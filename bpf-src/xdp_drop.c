// SPDX-License-Identifier: GPL-2.0
/*
 * Drop every packet, counted. Attached to a test interface this makes the
 * effect of XDP obvious: pings stop getting answers, and the XDP_DROP slot
 * of xdp_stats_map grows.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdp_stats.h"

SEC("xdp")
int xdp_drop_func(struct xdp_md *ctx)
{
	return record_action(ctx, XDP_DROP);
}

char _license[] SEC("license") = "GPL";
