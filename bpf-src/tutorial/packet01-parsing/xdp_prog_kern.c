// SPDX-License-Identifier: GPL-2.0
/*
 * packet01: parse Ethernet (VLAN tags skipped), IPv6 + ICMPv6 and IPv4 + ICMP, and - the lesson's
 * assignment - drop echo requests whose sequence number is even. `ping -c 6` gets replies for
 * sequences 1, 3 and 5 only. Verdicts are counted in xdp_stats_map (t stats).
 *   t load -- -F --progsec xdp_packet_parser      t ping -- -c 6
 * Test: XdpTutorialPacketIT#packet01...
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "parsing_helpers.h"
#include "xdp_stats_kern.h"

SEC("xdp_packet_parser")
int xdp_parser_func(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct hdr_cursor nh = { .pos = (void *)(long)ctx->data };
	struct ethhdr *eth;
	struct ipv6hdr *ip6h;
	struct iphdr *iph;
	struct icmp6hdr *icmp6h;
	struct icmphdr *icmph;
	__be16 sequence;
	int proto;

	proto = parse_ethhdr(&nh, data_end, &eth);
	if (proto == bpf_htons(ETH_P_IPV6)) {
		if (parse_ip6hdr(&nh, data_end, &ip6h) != IPPROTO_ICMPV6)
			goto pass;
		if (parse_icmp6hdr(&nh, data_end, &icmp6h) != ICMPV6_ECHO_REQUEST)
			goto pass;
		sequence = icmp6h->icmp6_sequence;
	} else if (proto == bpf_htons(ETH_P_IP)) {
		if (parse_iphdr(&nh, data_end, &iph) != IPPROTO_ICMP)
			goto pass;
		if (parse_icmphdr(&nh, data_end, &icmph) != ICMP_ECHO)
			goto pass;
		sequence = icmph->un.echo.sequence;
	} else {
		goto pass;
	}
	/* The sequence number is big-endian on the wire. */
	if ((bpf_ntohs(sequence) & 1) == 0)
		return xdp_stats_record_action(ctx, XDP_DROP);
pass:
	return xdp_stats_record_action(ctx, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
