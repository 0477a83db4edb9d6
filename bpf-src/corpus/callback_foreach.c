// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_for_each_map_elem() over an ARRAY and a HASH, with two different
 * static callbacks (BPF_PSEUDO_FUNC ld_imm64 against .text, like bpf_loop).
 * The program fills both maps itself, so a single test run is enough.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

/* Only ever used through a pointer, as the callback prototype wants. */
struct bpf_map;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} fe_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} fe_hash SEC(".maps");

struct fe_ctx {
	__u64 sum;
	__u32 visited;
	__u32 stop_after;
};

__u64 array_sum;	/* 10+20+...+80 = 360 */
long array_ret;		/* elements visited: 8 */
__u64 hash_sum;		/* stops after 2 of the 3 entries */
long hash_ret;		/* 2 */
__u64 hash_key_sum;	/* sum of all keys, 1+2+3 = 6, second callback */

static long sum_values(struct bpf_map *map, __u32 *key, __u64 *val,
		       struct fe_ctx *c)
{
	c->sum += *val;
	c->visited++;
	/* Returning 1 stops the iteration early. */
	return c->visited >= c->stop_after ? 1 : 0;
}

static long sum_keys(struct bpf_map *map, __u32 *key, __u64 *val,
		     __u64 *acc)
{
	*acc += *key;
	return 0;
}

/* Each call gets its own key/value stack slots: a loop over a stack key
 * whose address goes to the helper is hard for the verifier to bound. */
static __always_inline void put(void *map, __u32 key, __u64 val)
{
	bpf_map_update_elem(map, &key, &val, BPF_ANY);
}

SEC("tc")
int tc_foreach(struct __sk_buff *skb)
{
	struct fe_ctx c = { .sum = 0, .visited = 0, .stop_after = 100 };
	__u64 keys = 0;

	put(&fe_array, 0, 10);
	put(&fe_array, 1, 20);
	put(&fe_array, 2, 30);
	put(&fe_array, 3, 40);
	put(&fe_array, 4, 50);
	put(&fe_array, 5, 60);
	put(&fe_array, 6, 70);
	put(&fe_array, 7, 80);
	put(&fe_hash, 1, 100);
	put(&fe_hash, 2, 200);
	put(&fe_hash, 3, 300);

	array_ret = bpf_for_each_map_elem(&fe_array, sum_values, &c, 0);
	array_sum = c.sum;

	c.sum = 0;
	c.visited = 0;
	c.stop_after = 2;
	hash_ret = bpf_for_each_map_elem(&fe_hash, sum_values, &c, 0);
	hash_sum = c.sum;	/* depends on hash order: 2 of {100,200,300} */

	bpf_for_each_map_elem(&fe_hash, sum_keys, &keys, 0);
	hash_key_sum = keys;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
