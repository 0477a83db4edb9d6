/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small packet helpers for the packet03 (redirecting) and tracing lessons: find the L3 header
 * behind Ethernet, update Internet checksums word by word, swap addresses, decrement TTL/hop
 * limit. Every function is __always_inline: the lessons stay single BPF functions, which keeps
 * the verifier's view (and the lessons' disassembly) simple.
 */
#ifndef JBPF_TUTORIAL_PACKET03_HELPERS_H
#define JBPF_TUTORIAL_PACKET03_HELPERS_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "rewrite_helpers.h" /* csum_replace16 */

/* Address families for struct bpf_fib_lookup (from <sys/socket.h>, not usable with -target bpf). */
#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

/* IPv4 fragment bits (kernel-internal names, not in UAPI). */
#define P03_IP_MF	0x2000
#define P03_IP_OFFSET	0x1fff

/* ICMPv6 neighbour discovery (router/neighbour solicitation and advertisement, redirect). */
#define P03_ND_FIRST	133
#define P03_ND_LAST	137

/* One parsed frame: the Ethernet header and where its IPv4 or IPv6 header starts (NULL if none). */
struct p03_frame {
	struct ethhdr *eth;
	struct iphdr *ip4;
	struct ipv6hdr *ip6;
	void *l4;	/* the ICMP/ICMPv6/TCP/UDP header (first fragment, no IPv6 extension headers) */
	__u8 proto;	/* IPPROTO_* of l4 */
};

/*
 * Parses Ethernet + IPv4/IPv6 (no VLAN tags: the packet03 lessons run on untagged testenv
 * links). Returns 0 when the frame holds an IP header that fits in the packet, -1 otherwise.
 */
static __always_inline int p03_parse(struct xdp_md *ctx, struct p03_frame *f)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	f->eth = eth;
	f->ip4 = NULL;
	f->ip6 = NULL;
	f->l4 = NULL;
	f->proto = 0;
	if ((void *)(eth + 1) > data_end)
		return -1;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = (void *)(eth + 1);

		if ((void *)(iph + 1) > data_end || iph->version != 4 || iph->ihl < 5)
			return -1;
		f->ip4 = iph;
		f->proto = iph->protocol;
		/* Only a first fragment has the L4 header. */
		if (!(iph->frag_off & bpf_htons(P03_IP_OFFSET)))
			f->l4 = (void *)iph + iph->ihl * 4;
		return 0;
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = (void *)(eth + 1);

		if ((void *)(ip6h + 1) > data_end || ip6h->version != 6)
			return -1;
		f->ip6 = ip6h;
		f->proto = ip6h->nexthdr;
		f->l4 = ip6h + 1;
		return 0;
	}
	return -1;
}

/* Whether the frame is ICMPv6 neighbour discovery, which must reach the kernel of the link it came on. */
static __always_inline int p03_is_nd(struct p03_frame *f, void *data_end)
{
	struct icmp6hdr *icmp6 = f->l4;

	if (!f->ip6 || f->proto != IPPROTO_ICMPV6 || (void *)(icmp6 + 1) > data_end)
		return 0;
	return icmp6->icmp6_type >= P03_ND_FIRST && icmp6->icmp6_type <= P03_ND_LAST;
}

static __always_inline void p03_swap_macs(struct ethhdr *eth)
{
	__u8 tmp[ETH_ALEN];

	__builtin_memcpy(tmp, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, tmp, ETH_ALEN);
}

/* Decrements the IPv4 TTL, fixing the header checksum (TTL is the high byte of its 16-bit word). */
static __always_inline void p03_ip4_decrease_ttl(struct iphdr *iph)
{
	__u16 old = *(__u16 *)&iph->ttl;

	iph->ttl--;
	iph->check = csum_replace16(iph->check, old, *(__u16 *)&iph->ttl);
}

#endif /* JBPF_TUTORIAL_PACKET03_HELPERS_H */
