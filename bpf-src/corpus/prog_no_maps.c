// SPDX-License-Identifier: GPL-2.0
/*
 * A program that refers to no map and no global variable, so that it can
 * be loaded on its own from its spec with nothing else (jbpf's
 * BpfProgram.load(spec, Map.of())). Its verdict depends on the packet only:
 * XDP_DROP for an IPv6 EtherType, XDP_PASS for anything else.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("xdp")
int xdp_no_maps(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		return XDP_DROP;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
