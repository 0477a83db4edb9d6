/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Header parsing for the lessons (packet01 on). A struct hdr_cursor walks the packet: each
 * parse_*() checks that its header lies before data_end (the verifier insists), stores a pointer
 * to it, moves the cursor past it and returns what comes next (an ethertype, an IP protocol, a
 * type) - or -1 when the packet is too short.
 */
#ifndef TUTORIAL_PARSING_HELPERS_H
#define TUTORIAL_PARSING_HELPERS_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>

struct hdr_cursor {
	void *pos;
};

/* 802.1Q/802.1ad tag (the kernel's struct vlan_hdr is not UAPI). */
struct vlan_hdr {
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
};

/* Up to this many VLAN tags are skipped (QinQ = 2). */
#ifndef VLAN_MAX_DEPTH
#define VLAN_MAX_DEPTH 2
#endif

#define VLAN_VID_MASK 0x0fff

static __always_inline int proto_is_vlan(__u16 h_proto)
{
	return h_proto == bpf_htons(ETH_P_8021Q) || h_proto == bpf_htons(ETH_P_8021AD);
}

/* The tags seen by parse_ethhdr_vlan: their VLAN ids, outermost first. */
struct collect_vlans {
	__u16 id[VLAN_MAX_DEPTH];
};

/*
 * Ethernet header, then up to VLAN_MAX_DEPTH VLAN tags. Returns the ethertype after the tags
 * (network order); *ethhdr points at the Ethernet header. vlans may be NULL.
 */
static __always_inline int parse_ethhdr_vlan(struct hdr_cursor *nh, void *data_end, struct ethhdr **ethhdr,
					     struct collect_vlans *vlans)
{
	struct ethhdr *eth = nh->pos;
	struct vlan_hdr *vlh;
	__u16 h_proto;

	if ((void *)(eth + 1) > data_end)
		return -1;
	nh->pos = eth + 1;
	*ethhdr = eth;
	h_proto = eth->h_proto;
	vlh = nh->pos;

	/* A loop of fixed trip count, unrolled: the verifier sees straight-line code. */
#pragma unroll
	for (int i = 0; i < VLAN_MAX_DEPTH; i++) {
		if (!proto_is_vlan(h_proto))
			break;
		if ((void *)(vlh + 1) > data_end)
			return -1;
		h_proto = vlh->h_vlan_encapsulated_proto;
		if (vlans)
			vlans->id[i] = bpf_ntohs(vlh->h_vlan_TCI) & VLAN_VID_MASK;
		vlh++;
	}
	nh->pos = vlh;
	return h_proto;
}

static __always_inline int parse_ethhdr(struct hdr_cursor *nh, void *data_end, struct ethhdr **ethhdr)
{
	return parse_ethhdr_vlan(nh, data_end, ethhdr, NULL);
}

/* IPv6 fixed header; returns the next header (extension headers are not walked). */
static __always_inline int parse_ip6hdr(struct hdr_cursor *nh, void *data_end, struct ipv6hdr **ip6hdr)
{
	struct ipv6hdr *ip6h = nh->pos;

	if ((void *)(ip6h + 1) > data_end)
		return -1;
	nh->pos = ip6h + 1;
	*ip6hdr = ip6h;
	return ip6h->nexthdr;
}

/* IPv4 header including its options (ihl words); returns the protocol. */
static __always_inline int parse_iphdr(struct hdr_cursor *nh, void *data_end, struct iphdr **iphdr)
{
	struct iphdr *iph = nh->pos;
	int hdrsize;

	if ((void *)(iph + 1) > data_end)
		return -1;
	hdrsize = iph->ihl * 4;
	if (hdrsize < (int)sizeof(*iph))
		return -1;
	if (nh->pos + hdrsize > data_end)
		return -1;
	nh->pos += hdrsize;
	*iphdr = iph;
	return iph->protocol;
}

/* ICMPv6 header; returns its type. */
static __always_inline int parse_icmp6hdr(struct hdr_cursor *nh, void *data_end, struct icmp6hdr **icmp6hdr)
{
	struct icmp6hdr *icmp6h = nh->pos;

	if ((void *)(icmp6h + 1) > data_end)
		return -1;
	nh->pos = icmp6h + 1;
	*icmp6hdr = icmp6h;
	return icmp6h->icmp6_type;
}

/* ICMP header; returns its type. */
static __always_inline int parse_icmphdr(struct hdr_cursor *nh, void *data_end, struct icmphdr **icmphdr)
{
	struct icmphdr *icmph = nh->pos;

	if ((void *)(icmph + 1) > data_end)
		return -1;
	nh->pos = icmph + 1;
	*icmphdr = icmph;
	return icmph->type;
}

/* UDP header; returns the payload length the header claims, or -1. */
static __always_inline int parse_udphdr(struct hdr_cursor *nh, void *data_end, struct udphdr **udphdr)
{
	struct udphdr *h = nh->pos;
	int len;

	if ((void *)(h + 1) > data_end)
		return -1;
	nh->pos = h + 1;
	*udphdr = h;
	len = bpf_ntohs(h->len) - (int)sizeof(*h);
	if (len < 0)
		return -1;
	return len;
}

/* TCP header including options (doff words); returns the header length, or -1. */
static __always_inline int parse_tcphdr(struct hdr_cursor *nh, void *data_end, struct tcphdr **tcphdr)
{
	struct tcphdr *h = nh->pos;
	int len;

	if ((void *)(h + 1) > data_end)
		return -1;
	len = h->doff * 4;
	if (len < (int)sizeof(*h))
		return -1;
	if (nh->pos + len > data_end)
		return -1;
	nh->pos += len;
	*tcphdr = h;
	return len;
}

#endif
