// SPDX-License-Identifier: GPL-2.0
/*
 * HASH_OF_MAPS with HASH inner maps. The initialiser's index is used as
 * the outer key (a 4-byte int), so ".values = { [1] = &inner_h }" means
 * outer key 1 -> inner_h.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct inner_hash_def {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
};

struct inner_hash_def inner_h SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner_hash_def);
} outer_hash SEC(".maps") = {
	.values = { [1] = &inner_h },
};

long update_ret = -1;	/* bpf_map_update_elem on the inner map */
__u32 key2_missing;	/* 1 when outer key 2 has no inner map */

SEC("tc")
int tc_hash_of_maps(struct __sk_buff *skb)
{
	__u32 okey = 1, ikey = 42, val = 4242;
	void *inner;

	inner = bpf_map_lookup_elem(&outer_hash, &okey);
	if (inner)
		update_ret = bpf_map_update_elem(inner, &ikey, &val, BPF_ANY);

	okey = 2;
	key2_missing = bpf_map_lookup_elem(&outer_hash, &okey) == 0;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
