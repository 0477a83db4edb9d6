// SPDX-License-Identifier: GPL-2.0
/*
 * LPM_TRIE: longest-prefix match on the IPv4 destination of the packet.
 * The kernel insists on BPF_F_NO_PREALLOC for this map type, and the key
 * must start with a u32 prefix length followed by the address bytes.
 *
 * The program installs its own two routes on every run (so no setup is
 * needed) and then looks up the packet's destination:
 *   10.0.0.0/8  -> 8
 *   10.1.0.0/16 -> 16
 * Result in .bss matched (0: no route, or not IPv4).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct lpm_v4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_v4_key);
	__type(value, __u32);
} routes SEC(".maps");

__u32 matched;
__u32 looked_up;	/* 1 if the packet was IPv4 and a lookup happened */

static __always_inline void add_route(__u8 a, __u8 b, __u32 plen)
{
	struct lpm_v4_key k = { .prefixlen = plen, .addr = { a, b, 0, 0 } };
	__u32 v = plen;

	bpf_map_update_elem(&routes, &k, &v, BPF_ANY);
}

SEC("xdp")
int xdp_lpm(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct lpm_v4_key k = { .prefixlen = 32 };
	__u32 *v;

	add_route(10, 0, 8);
	add_route(10, 1, 16);

	matched = 0;
	looked_up = 0;
	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	__builtin_memcpy(k.addr, &ip->daddr, 4);
	looked_up = 1;
	v = bpf_map_lookup_elem(&routes, &k);
	if (v)
		matched = *v;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
