// SPDX-License-Identifier: GPL-2.0
/*
 * Two XDP programs that both pass everything, each counting the IPv4 ICMP echo requests it saw in
 * its own slot of xdp_swap_counts (xdp_count_a slot 0, xdp_count_b slot 1). XdpReplaceIT swaps
 * them back and forth under a continuous ping: every ping is answered and the two counts add up
 * to exactly the pings sent, so no packet crossed the hook without a program.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "tc_icmp.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} xdp_swap_counts SEC(".maps");

static __always_inline int count_echo(struct xdp_md *ctx, __u32 slot)
{
	if (is_echo_request((void *)(long)ctx->data, (void *)(long)ctx->data_end)) {
		__u64 *v = bpf_map_lookup_elem(&xdp_swap_counts, &slot);
		if (v)
			__sync_fetch_and_add(v, 1);
	}
	return XDP_PASS;
}

SEC("xdp")
int xdp_count_a(struct xdp_md *ctx)
{
	return count_echo(ctx, 0);
}

SEC("xdp")
int xdp_count_b(struct xdp_md *ctx)
{
	return count_echo(ctx, 1);
}

char _license[] SEC("license") = "GPL";
