/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet rewriting for packet02: an incremental checksum update for one changed 16-bit word, and
 * popping/pushing the outermost VLAN tag with bpf_xdp_adjust_head.
 */
#ifndef TUTORIAL_REWRITE_HELPERS_H
#define TUTORIAL_REWRITE_HELPERS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "parsing_helpers.h"

/*
 * RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'), for one 16-bit word changing from old to new. All three
 * in the same byte order (as stored in the packet): the ones' complement sum commutes with byte
 * swapping.
 */
static __always_inline __u16 csum_replace16(__u16 check, __u16 old, __u16 new)
{
	__u32 sum = (__u16)~check;

	sum += (__u16)~old;
	sum += new;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/*
 * Removes the outermost VLAN tag of the frame at ctx (eth: its Ethernet header, already checked).
 * Returns the tag's VLAN id, or -1 if the frame has no tag (or is too short). Pointers into the
 * packet are invalid afterwards: the head moved.
 */
static __always_inline int vlan_tag_pop(struct xdp_md *ctx, struct ethhdr *eth)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr eth_copy;
	struct vlan_hdr *vlh;
	__be16 inner;
	int vid;

	if (!proto_is_vlan(eth->h_proto))
		return -1;
	vlh = (void *)(eth + 1);
	if ((void *)(vlh + 1) > data_end)
		return -1;
	vid = bpf_ntohs(vlh->h_vlan_TCI) & VLAN_VID_MASK;
	inner = vlh->h_vlan_encapsulated_proto;

	/* Keep the addresses, drop 4 bytes from the front, write the header back 4 bytes later. */
	__builtin_memcpy(&eth_copy, eth, sizeof(eth_copy));
	if (bpf_xdp_adjust_head(ctx, (int)sizeof(*vlh)))
		return -1;
	eth = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if ((void *)(eth + 1) > data_end)
		return -1;
	__builtin_memcpy(eth->h_dest, eth_copy.h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth_copy.h_source, ETH_ALEN);
	eth->h_proto = inner;
	return vid;
}

/*
 * Adds an 802.1Q tag with VLAN id vid (priority 0) in front of the frame's ethertype. Returns 0, or
 * -1 if there is no headroom or the frame is too short. Packet pointers are invalid afterwards.
 */
static __always_inline int vlan_tag_push(struct xdp_md *ctx, struct ethhdr *eth, int vid)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr eth_copy;
	struct vlan_hdr *vlh;

	__builtin_memcpy(&eth_copy, eth, sizeof(eth_copy));
	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(*vlh)))
		return -1;
	eth = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if ((void *)(eth + 1) > data_end)
		return -1;
	vlh = (void *)(eth + 1);
	if ((void *)(vlh + 1) > data_end)
		return -1;
	__builtin_memcpy(eth->h_dest, eth_copy.h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth_copy.h_source, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_8021Q);
	vlh->h_vlan_TCI = bpf_htons(vid & VLAN_VID_MASK);
	vlh->h_vlan_encapsulated_proto = eth_copy.h_proto;
	return 0;
}

#endif
