// SPDX-License-Identifier: GPL-2.0
/*
 * The hash-table map types, each with a u32 key and a u64 value, and the
 * flags that change how the kernel allocates them:
 *
 *   h_plain       HASH
 *   h_noprealloc  HASH, BPF_F_NO_PREALLOC (elements allocated on update)
 *   h_percpu      PERCPU_HASH (user space sees one value per possible CPU)
 *   h_lru         LRU_HASH
 *   h_lru_percpu  LRU_PERCPU_HASH, BPF_F_NO_COMMON_LRU (per-CPU LRU lists)
 *
 * Each run adds 1 at key = packet length in every map, so after N runs of
 * a 64-byte packet key 64 holds N (for the per-CPU maps: the sum over all
 * CPUs is N).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define HASH_MAP(name, map_type, flags)			\
	struct {						\
		__uint(type, map_type);				\
		__uint(max_entries, 32);			\
		__uint(map_flags, flags);			\
		__type(key, __u32);				\
		__type(value, __u64);				\
	} name SEC(".maps")

HASH_MAP(h_plain, BPF_MAP_TYPE_HASH, 0);
HASH_MAP(h_noprealloc, BPF_MAP_TYPE_HASH, BPF_F_NO_PREALLOC);
HASH_MAP(h_percpu, BPF_MAP_TYPE_PERCPU_HASH, 0);
HASH_MAP(h_lru, BPF_MAP_TYPE_LRU_HASH, 0);
HASH_MAP(h_lru_percpu, BPF_MAP_TYPE_LRU_PERCPU_HASH, BPF_F_NO_COMMON_LRU);

/* Per-CPU values are only touched by their own CPU, so a plain increment
 * is enough there; the shared ones need an atomic add. */
static __always_inline void count(void *map, __u32 key, int atomic)
{
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(map, &key);
	if (!v) {
		bpf_map_update_elem(map, &key, &one, BPF_NOEXIST);
		return;
	}
	if (atomic)
		__sync_fetch_and_add(v, 1);
	else
		*v += 1;
}

SEC("xdp")
int xdp_hash_family(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;

	count(&h_plain, len, 1);
	count(&h_noprealloc, len, 1);
	count(&h_percpu, len, 0);
	count(&h_lru, len, 1);
	count(&h_lru_percpu, len, 0);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
