// SPDX-License-Identifier: GPL-2.0
/*
 * A longer program (well over 100 instructions) spread over many source
 * lines, so that .BTF.ext line_info has many records and their
 * instruction offsets matter: a loader that passes line_info with wrong
 * offsets (e.g. not rebased after appending subprograms, or with the
 * section offset instead of the program offset) is rejected by the kernel.
 *
 * It parses Ethernet (with an optional 802.1Q tag), IPv4 and UDP/TCP, adds
 * up the first 16 payload bytes as big-endian 16-bit words (an unrolled
 * loop, folded to 16 bits like an Internet checksum) and drops UDP packets
 * to port 9 ("discard"). Everything it learned goes to the .bss struct
 * stats.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define PAYLOAD_WORDS 8
#define DISCARD_PORT 9

struct parse_stats {
	__u64 packets;
	__u64 ipv4;
	__u64 udp;
	__u64 tcp;
	__u64 other;
	__u64 truncated;
	__u32 vlan_id;		/* last 802.1Q VLAN id seen, 0 if none */
	__u32 ttl;		/* TTL of the last IPv4 packet */
	__u32 src_port;		/* host order */
	__u32 dst_port;		/* host order */
	__u32 payload_sum;	/* folded 16-bit sum of the first 16 bytes */
	__u32 verdict;		/* what the program returned last */
};

struct parse_stats stats;

struct vlan_tag {
	__be16 tci;
	__be16 inner_proto;
};

/* Folds a 32-bit sum of 16-bit words into 16 bits (end-around carry). */
static __always_inline __u32 fold16(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static __always_inline int finish(int verdict)
{
	stats.verdict = verdict;
	return verdict;
}

SEC("xdp")
int xdp_parse_long(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	__u8 *payload;
	__u16 proto;
	__u32 sum = 0;
	int i;

	stats.packets++;

	if ((void *)(eth + 1) > data_end) {
		stats.truncated++;
		return finish(XDP_ABORTED);
	}
	proto = eth->h_proto;
	ip = (void *)(eth + 1);

	/* One optional VLAN tag. */
	if (proto == bpf_htons(ETH_P_8021Q)) {
		struct vlan_tag *tag = (void *)(eth + 1);

		if ((void *)(tag + 1) > data_end) {
			stats.truncated++;
			return finish(XDP_ABORTED);
		}
		stats.vlan_id = bpf_ntohs(tag->tci) & 0x0fff;
		proto = tag->inner_proto;
		ip = (void *)(tag + 1);
	} else {
		stats.vlan_id = 0;
	}

	if (proto != bpf_htons(ETH_P_IP)) {
		stats.other++;
		return finish(XDP_PASS);
	}
	if ((void *)(ip + 1) > data_end || ip->ihl < 5) {
		stats.truncated++;
		return finish(XDP_ABORTED);
	}
	stats.ipv4++;
	stats.ttl = ip->ttl;

	/* Options make the header longer than struct iphdr. */
	payload = (__u8 *)ip + ip->ihl * 4;

	if (ip->protocol == IPPROTO_UDP) {
		struct udphdr *udp = (void *)payload;

		if ((void *)(udp + 1) > data_end) {
			stats.truncated++;
			return finish(XDP_ABORTED);
		}
		stats.udp++;
		stats.src_port = bpf_ntohs(udp->source);
		stats.dst_port = bpf_ntohs(udp->dest);
		payload = (__u8 *)(udp + 1);
	} else if (ip->protocol == IPPROTO_TCP) {
		struct tcphdr *tcp = (void *)payload;

		if ((void *)(tcp + 1) > data_end) {
			stats.truncated++;
			return finish(XDP_ABORTED);
		}
		stats.tcp++;
		stats.src_port = bpf_ntohs(tcp->source);
		stats.dst_port = bpf_ntohs(tcp->dest);
		payload = (__u8 *)tcp + tcp->doff * 4;
	} else {
		stats.other++;
		stats.src_port = 0;
		stats.dst_port = 0;
		return finish(XDP_PASS);
	}

	/* Unrolled: one bounds check per word, as the verifier wants. */
#pragma unroll
	for (i = 0; i < PAYLOAD_WORDS; i++) {
		__u8 *w = payload + i * 2;

		if ((void *)(w + 2) > data_end)
			break;
		sum += ((__u32)w[0] << 8) | w[1];
	}
	stats.payload_sum = fold16(sum);

	if (ip->protocol == IPPROTO_UDP && stats.dst_port == DISCARD_PORT)
		return finish(XDP_DROP);
	return finish(XDP_PASS);
}

char _license[] SEC("license") = "GPL";
