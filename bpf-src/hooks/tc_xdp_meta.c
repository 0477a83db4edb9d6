// SPDX-License-Identifier: GPL-2.0
/*
 * XDP and tc on the same device, talking through XDP metadata (TcXdpMetadataIT):
 *   xdp_tag_echo    SEC("xdp")  puts a 4-byte tag in front of each IPv4 ICMP echo request with
 *                               bpf_xdp_adjust_meta; counts the tagged ones in slot 0
 *   tc_drop_tagged  SEC("tc")   reads skb->data_meta: drops echo requests carrying the tag
 *                               (slot 1) and lets untagged ones through (slot 2)
 * So pings pass with either program alone and are dropped only with both attached.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "tc_icmp.h"

#define JBPF_TAG 0x4a425046 /* "JBPF" */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} tc_meta_counts SEC(".maps");

static __always_inline void bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&tc_meta_counts, &slot);
	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("xdp")
int xdp_tag_echo(struct xdp_md *ctx)
{
	if (!is_echo_request((void *)(long)ctx->data, (void *)(long)ctx->data_end))
		return XDP_PASS;
	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(__u32)))
		return XDP_PASS;
	__u32 *tag = (void *)(long)ctx->data_meta;
	if ((void *)(tag + 1) > (void *)(long)ctx->data)
		return XDP_PASS;
	*tag = JBPF_TAG;
	bump(0);
	return XDP_PASS;
}

SEC("tc")
int tc_drop_tagged(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	if (!is_echo_request(data, (void *)(long)skb->data_end))
		return TC_ACT_OK;
	__u32 *tag = (void *)(long)skb->data_meta;
	if ((void *)(tag + 1) <= data && *tag == JBPF_TAG) {
		bump(1);
		return TC_ACT_SHOT;
	}
	bump(2);
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
