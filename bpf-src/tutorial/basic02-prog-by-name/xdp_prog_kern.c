// SPDX-License-Identifier: GPL-2.0
/*
 * basic02: two programs in one object, picked by section or by name when loading:
 *   t load -- -F --progsec xdp_drop        t load -- -F --progname xdp_pass_func
 * Test: XdpTutorialBasicIT#basic02...
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp_pass")
int xdp_pass_func(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp_drop")
int xdp_drop_func(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
