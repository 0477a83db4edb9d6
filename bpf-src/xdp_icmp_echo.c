// SPDX-License-Identifier: GPL-2.0
/*
 * Answer ICMP (IPv4) and ICMPv6 echo requests directly from XDP.
 *
 * An echo request is rewritten in place into the matching echo reply and
 * bounced back out of the interface it came in on (XDP_TX); everything else
 * goes on to the kernel stack (XDP_PASS). With the stack's own echo replies
 * turned off (testenv setup --no-echo) any reply a ping gets must come from
 * this program.
 *
 * Every verdict is counted through record_action() in xdp_stats_map.
 *
 * The section name "xdp_icmp_echo" is the old free-form style on purpose:
 * libbpf 1.x refuses it, the jbpf loader must still accept it (a section
 * whose name starts with "xdp" is an XDP program). ICMP_ECHO_SEC exists only
 * so that a copy can be built with SEC("xdp") and checked with bpftool.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdp_stats.h"

#ifndef ICMP_ECHO_SEC
#define ICMP_ECHO_SEC "xdp_icmp_echo"
#endif

/* Up to this many 802.1Q / 802.1ad tags are skipped (QinQ = 2). */
#define VLAN_MAX_DEPTH 2

/* The kernel's struct vlan_hdr is not part of the UAPI headers. */
struct jbpf_vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

/* IPv4 fragment bits (kernel-internal names, not in UAPI). */
#define JBPF_IP_MF	0x2000
#define JBPF_IP_OFFSET	0x1fff

/*
 * Incremental Internet checksum update (RFC 1624, eqn. 3):
 *     HC' = ~(~HC + ~m + m')
 * for one 16-bit word changing from m to m'. All three values may be in
 * either byte order as long as they all use the same one (the ones'
 * complement sum commutes with byte swapping); here all are as stored in
 * the packet, i.e. network order.
 */
static __always_inline __u16 csum16_replace(__u16 check, __u16 old, __u16 new)
{
	__u32 sum = (__u16)~check;

	sum += (__u16)~old;
	sum += new;
	/* Fold carries back in; two rounds are enough for 3 x 16-bit terms. */
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* The first ICMP/ICMPv6 word holds type (high byte on the wire) and code. */
static __always_inline __u16 type_code_word(__u8 type, __u8 code)
{
	return bpf_htons(((__u16)type << 8) | code);
}

static __always_inline void swap_macs(struct ethhdr *eth)
{
	__u8 tmp[ETH_ALEN];

	__builtin_memcpy(tmp, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, tmp, ETH_ALEN);
}

/* Returns XDP_TX when @l3 held an IPv4 echo request that is now a reply. */
static __always_inline __u32 icmp4_reply(void *l3, void *data_end)
{
	struct iphdr *iph = l3;
	struct icmphdr *icmph;
	__u16 old_word;
	__be32 tmp;

	if ((void *)(iph + 1) > data_end)
		return XDP_PASS;
	if (iph->version != 4 || iph->ihl < 5 || iph->protocol != IPPROTO_ICMP)
		return XDP_PASS;
	/* Only an unfragmented datagram carries the whole ICMP message; we
	 * cannot fix the checksum of a message we only see part of. */
	if (iph->frag_off & bpf_htons(JBPF_IP_MF | JBPF_IP_OFFSET))
		return XDP_PASS;

	/* ihl counts 32-bit words and may include IP options. */
	icmph = l3 + iph->ihl * 4;
	if ((void *)(icmph + 1) > data_end)
		return XDP_PASS;
	if (icmph->type != ICMP_ECHO)
		return XDP_PASS;

	/* Swapping source and destination leaves the IPv4 header checksum
	 * valid (same words, other order). TTL is left alone, so no header
	 * checksum update is needed at all. */
	tmp = iph->saddr;
	iph->saddr = iph->daddr;
	iph->daddr = tmp;

	/* Only the type changes (8 -> 0); id, sequence and payload stay, so
	 * the ICMP checksum needs just one incremental word update. */
	old_word = type_code_word(icmph->type, icmph->code);
	icmph->type = ICMP_ECHOREPLY;
	icmph->checksum = csum16_replace(icmph->checksum, old_word,
					 type_code_word(icmph->type, icmph->code));
	return XDP_TX;
}

/* Returns XDP_TX when @l3 held an ICMPv6 echo request that is now a reply. */
static __always_inline __u32 icmp6_reply(void *l3, void *data_end)
{
	struct ipv6hdr *ip6h = l3;
	struct icmp6hdr *icmp6h;
	struct in6_addr tmp;
	__u16 old_word;

	if ((void *)(ip6h + 1) > data_end)
		return XDP_PASS;
	/* Extension headers are not walked: echo requests normally have
	 * ICMPv6 directly after the fixed header. */
	if (ip6h->version != 6 || ip6h->nexthdr != IPPROTO_ICMPV6)
		return XDP_PASS;
	/* Never answer a multicast destination: the reply would get a
	 * multicast source address. */
	if (ip6h->daddr.in6_u.u6_addr8[0] == 0xff)
		return XDP_PASS;

	icmp6h = (void *)(ip6h + 1);
	if ((void *)(icmp6h + 1) > data_end)
		return XDP_PASS;
	/* Neighbour discovery etc. must reach the stack, or ping itself
	 * would stop working. */
	if (icmp6h->icmp6_type != ICMPV6_ECHO_REQUEST)
		return XDP_PASS;

	tmp = ip6h->saddr;
	ip6h->saddr = ip6h->daddr;
	ip6h->daddr = tmp;

	/* The ICMPv6 checksum also covers a pseudo-header with both
	 * addresses, but swapping them does not change that sum, so again
	 * only the type word (128 -> 129) has to be accounted for. */
	old_word = type_code_word(icmp6h->icmp6_type, icmp6h->icmp6_code);
	icmp6h->icmp6_type = ICMPV6_ECHO_REPLY;
	icmp6h->icmp6_cksum = csum16_replace(icmp6h->icmp6_cksum, old_word,
					     type_code_word(icmp6h->icmp6_type,
							    icmp6h->icmp6_code));
	return XDP_TX;
}

SEC(ICMP_ECHO_SEC)
int xdp_icmp_echo_func(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	void *l3;
	__u16 proto;
	__u32 action;

	if ((void *)(eth + 1) > data_end)
		return record_action(ctx, XDP_PASS);
	/* Group-addressed frames (broadcast/multicast) are not for us to
	 * answer: the reply would go out with a group source MAC. */
	if (eth->h_dest[0] & 1)
		return record_action(ctx, XDP_PASS);

	proto = eth->h_proto;
	l3 = eth + 1;

	/* Fixed trip count, fully unrolled: no loop for the verifier. */
#pragma unroll
	for (int i = 0; i < VLAN_MAX_DEPTH; i++) {
		struct jbpf_vlan_hdr *vh = l3;

		if (proto != bpf_htons(ETH_P_8021Q) &&
		    proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(vh + 1) > data_end)
			return record_action(ctx, XDP_PASS);
		proto = vh->encap_proto;
		l3 = vh + 1;
	}

	if (proto == bpf_htons(ETH_P_IP))
		action = icmp4_reply(l3, data_end);
	else if (proto == bpf_htons(ETH_P_IPV6))
		action = icmp6_reply(l3, data_end);
	else
		action = XDP_PASS;

	/* The reply goes back to where the request came from. VLAN tags,
	 * if any, are kept as they were. */
	if (action == XDP_TX)
		swap_macs(eth);

	return record_action(ctx, action);
}

char _license[] SEC("license") = "GPL";
