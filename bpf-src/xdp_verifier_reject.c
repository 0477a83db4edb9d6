// SPDX-License-Identifier: GPL-2.0
/*
 * DELIBERATELY BROKEN - for tests only.
 *
 * This compiles fine but the kernel verifier must reject it: it reads the
 * Ethernet header without first checking the packet length against
 * data_end. Tests use it to check that the loader reports a verifier
 * failure properly (BPF_PROG_LOAD fails with EACCES and the verifier log
 * mentions the invalid packet access). Do not "fix" it.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("xdp")
int xdp_verifier_reject_func(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;

	/* Missing on purpose:
	 *   if ((void *)(eth + 1) > (void *)(long)ctx->data_end)
	 *           return XDP_PASS;
	 */
	if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		return XDP_DROP;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
