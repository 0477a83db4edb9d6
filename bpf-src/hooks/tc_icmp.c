// SPDX-License-Identifier: GPL-2.0
/*
 * tc programs for the TCX and clsact/cls_bpf tests (TcxLinkIT, ClsBpfFilterIT). Each counts the
 * IPv4 ICMP echo requests it sees in its own slot of tc_icmp_counts:
 *   tc_drop_icmp   SEC("tc")           slot 0, drops them (TC_ACT_SHOT = TCX_DROP): pings go unanswered
 *   tc_pass_icmp   SEC("tc")           slot 1, lets them through (TC_ACT_OK = TCX_PASS)
 *   tcx_drop_icmp  SEC("tcx/ingress")  slot 2, drops them; loaded with expected attach type BPF_TCX_INGRESS
 *   tcx_next_icmp  SEC("tcx/ingress")  slot 3, returns TCX_NEXT: the next TCX program (then clsact) decides
 * Everything else passes.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "tc_icmp.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} tc_icmp_counts SEC(".maps");

static __always_inline int count_echo(struct __sk_buff *skb, __u32 slot)
{
	if (!is_echo_request((void *)(long)skb->data, (void *)(long)skb->data_end))
		return 0;
	__u64 *v = bpf_map_lookup_elem(&tc_icmp_counts, &slot);
	if (v)
		__sync_fetch_and_add(v, 1);
	return 1;
}

SEC("tc")
int tc_drop_icmp(struct __sk_buff *skb)
{
	return count_echo(skb, 0) ? TC_ACT_SHOT : TC_ACT_OK;
}

SEC("tc")
int tc_pass_icmp(struct __sk_buff *skb)
{
	count_echo(skb, 1);
	return TC_ACT_OK;
}

SEC("tcx/ingress")
int tcx_drop_icmp(struct __sk_buff *skb)
{
	return count_echo(skb, 2) ? TC_ACT_SHOT : TC_ACT_OK;
}

SEC("tcx/ingress")
int tcx_next_icmp(struct __sk_buff *skb)
{
	count_echo(skb, 3);
	return -1; /* TCX_NEXT */
}

char _license[] SEC("license") = "GPL";
