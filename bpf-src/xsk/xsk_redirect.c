// SPDX-License-Identifier: GPL-2.0
/*
 * jbpf's default AF_XDP program (io.jbpf.xsk.XskRedirect): every packet of a receive queue that
 * has an AF_XDP socket in xsks_map (key: the queue index) goes to that socket; packets of
 * queues without one pass to the network stack. Used by XskSocketIT.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

SEC("xdp")
int xsk_redirect(struct xdp_md *ctx)
{
	/* The flags argument is the action when the lookup fails (kernel 5.3 and later). */
	return bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
