// SPDX-License-Identifier: GPL-2.0
/*
 * basic01: the smallest XDP program - every packet goes on to the kernel stack.
 *   jbpf load xdp_pass_kern.o --dev DEV     (the tutorial: xdp_pass_user --dev DEV)
 * Test: XdpTutorialBasicIT#basic01...
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_prog_simple(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
