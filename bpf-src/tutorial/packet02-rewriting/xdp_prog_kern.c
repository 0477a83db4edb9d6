// SPDX-License-Identifier: GPL-2.0
/*
 * packet02: rewrite packets in place.
 *   xdp_port_rewrite  assignment 1: UDP and TCP destination port - 1, checksum updated
 *                     incrementally (a datagram sent to port P arrives at P - 1)
 *   xdp_vlan_swap     assignments 2-3: pop the outer VLAN tag of a tagged frame, tag an untagged one
 *                     with VLAN 1
 *   xdp_vlan_pop      only pop (a frame sent over VLAN V arrives untagged)
 *   xdp_vlan_push     only push VLAN 1 onto untagged frames
 * Verdicts are counted in xdp_stats_map (t stats).
 *   t load -- -F --progsec xdp_port_rewrite       t setup --vlan; t load -- -F --progsec xdp_vlan_pop
 * Test: XdpTutorialPacketIT#packet02...
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "parsing_helpers.h"
#include "rewrite_helpers.h"
#include "xdp_stats_kern.h"

/* The tag xdp_vlan_push and xdp_vlan_swap add. */
#define PUSH_VLAN_ID 1

SEC("xdp_port_rewrite")
int xdp_port_rewrite_func(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct hdr_cursor nh = { .pos = (void *)(long)ctx->data };
	struct ethhdr *eth;
	struct ipv6hdr *ip6h;
	struct iphdr *iph;
	struct udphdr *udph;
	struct tcphdr *tcph;
	__u16 old_port, new_port;
	int proto;

	proto = parse_ethhdr(&nh, data_end, &eth);
	if (proto == bpf_htons(ETH_P_IPV6))
		proto = parse_ip6hdr(&nh, data_end, &ip6h);
	else if (proto == bpf_htons(ETH_P_IP))
		proto = parse_iphdr(&nh, data_end, &iph);
	else
		goto pass;

	if (proto == IPPROTO_UDP) {
		if (parse_udphdr(&nh, data_end, &udph) < 0)
			goto pass;
		old_port = udph->dest;
		new_port = bpf_htons(bpf_ntohs(old_port) - 1);
		udph->dest = new_port;
		/* 0 means "no checksum" (IPv4 only); a computed 0 is sent as 0xffff. */
		if (udph->check) {
			udph->check = csum_replace16(udph->check, old_port, new_port);
			if (!udph->check)
				udph->check = 0xffff;
		}
	} else if (proto == IPPROTO_TCP) {
		if (parse_tcphdr(&nh, data_end, &tcph) < 0)
			goto pass;
		old_port = tcph->dest;
		new_port = bpf_htons(bpf_ntohs(old_port) - 1);
		tcph->dest = new_port;
		tcph->check = csum_replace16(tcph->check, old_port, new_port);
	}
pass:
	return xdp_stats_record_action(ctx, XDP_PASS);
}

SEC("xdp_vlan_swap")
int xdp_vlan_swap_func(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct hdr_cursor nh = { .pos = (void *)(long)ctx->data };
	struct ethhdr *eth;

	if (parse_ethhdr(&nh, data_end, &eth) < 0)
		return xdp_stats_record_action(ctx, XDP_PASS);
	if (proto_is_vlan(eth->h_proto))
		vlan_tag_pop(ctx, eth);
	else
		vlan_tag_push(ctx, eth, PUSH_VLAN_ID);
	return xdp_stats_record_action(ctx, XDP_PASS);
}

SEC("xdp_vlan_pop")
int xdp_vlan_pop_func(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct hdr_cursor nh = { .pos = (void *)(long)ctx->data };
	struct ethhdr *eth;

	if (parse_ethhdr(&nh, data_end, &eth) >= 0)
		vlan_tag_pop(ctx, eth);
	return xdp_stats_record_action(ctx, XDP_PASS);
}

SEC("xdp_vlan_push")
int xdp_vlan_push_func(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct hdr_cursor nh = { .pos = (void *)(long)ctx->data };
	struct ethhdr *eth;

	if (parse_ethhdr(&nh, data_end, &eth) >= 0 && !proto_is_vlan(eth->h_proto))
		vlan_tag_push(ctx, eth, PUSH_VLAN_ID);
	return xdp_stats_record_action(ctx, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
