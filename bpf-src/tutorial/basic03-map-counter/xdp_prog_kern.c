// SPDX-License-Identifier: GPL-2.0
/*
 * basic03: a map shared with user space. Counts packets, then (the lesson's assignment) bytes,
 * in an ARRAY indexed by XDP action, with atomic adds because every CPU updates the same entry.
 * Only ICMP and ICMPv6 echo requests are counted, so a ping of N packets reads exactly N whatever
 * neighbour discovery or MLD traffic the link carries; every packet is passed.
 *   t load -- -F --progsec xdp_stats1      t stats      jbpf map dump --dev DEV --map xdp_stats_map
 * Test: XdpTutorialBasicIT#basic03...
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "parsing_helpers.h"

#define XDP_ACTION_MAX (XDP_REDIRECT + 1)

/* The layout jbpf stats reads (rx_packets, rx_bytes first). */
struct datarec {
	__u64 rx_packets;
	__u64 rx_bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct datarec);
	__uint(max_entries, XDP_ACTION_MAX);
} xdp_stats_map SEC(".maps");

static __always_inline int is_echo_request(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct hdr_cursor nh = { .pos = (void *)(long)ctx->data };
	struct ethhdr *eth;
	struct iphdr *iph;
	struct ipv6hdr *ip6h;
	struct icmphdr *icmph;
	struct icmp6hdr *icmp6h;
	int proto = parse_ethhdr(&nh, data_end, &eth);

	if (proto == bpf_htons(ETH_P_IP))
		return parse_iphdr(&nh, data_end, &iph) == IPPROTO_ICMP &&
		       parse_icmphdr(&nh, data_end, &icmph) == ICMP_ECHO;
	if (proto == bpf_htons(ETH_P_IPV6))
		return parse_ip6hdr(&nh, data_end, &ip6h) == IPPROTO_ICMPV6 &&
		       parse_icmp6hdr(&nh, data_end, &icmp6h) == ICMPV6_ECHO_REQUEST;
	return 0;
}

SEC("xdp_stats1")
int xdp_stats1_func(struct xdp_md *ctx)
{
	__u32 key = XDP_PASS;
	struct datarec *rec;

	if (!is_echo_request(ctx))
		return XDP_PASS;
	rec = bpf_map_lookup_elem(&xdp_stats_map, &key);
	if (!rec)
		return XDP_ABORTED;
	/* One entry for all CPUs: the adds must be atomic (basic04's PERCPU map needs none). */
	__sync_fetch_and_add(&rec->rx_packets, 1);
	__sync_fetch_and_add(&rec->rx_bytes, ctx->data_end - ctx->data);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
