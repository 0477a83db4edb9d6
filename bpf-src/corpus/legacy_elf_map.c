// SPDX-License-Identifier: GPL-2.0
/*
 * iproute2's own map format ("tc filter add ... bpf obj x.o"): records of
 * struct bpf_elf_map in a section named "maps". It is longer than the
 * classic struct bpf_map_def (9 u32 fields, 36 bytes, instead of 5): the
 * extra fields are an id, the pinning mode (0 none, 1 object namespace,
 * 2 global) and the inner-map id/index for map-in-map. The loader has to
 * find the record size from the section size / number of map symbols.
 *
 * libbpf 1.x (bpftool) refuses "maps" sections altogether; jbpf is meant
 * to load this.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

/* The layout iproute2 reads; not in any installed header, so spelled out. */
struct bpf_elf_map {
	__u32 type;
	__u32 size_key;
	__u32 size_value;
	__u32 max_elem;
	__u32 flags;
	__u32 id;
	__u32 pinning;
	__u32 inner_id;
	__u32 inner_idx;
};

/* Packet and byte counters: key 0 packets, key 1 bytes. */
struct bpf_elf_map SEC("maps") elf_counters = {
	.type = BPF_MAP_TYPE_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u64),
	.max_elem = 2,
	.flags = 0,
	.id = 1,
	.pinning = 0,
};

/* Packets per length (key u32 skb->len, value u64). */
struct bpf_elf_map SEC("maps") elf_by_len = {
	.type = BPF_MAP_TYPE_HASH,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u64),
	.max_elem = 64,
	.flags = 0,
	.id = 2,
	.pinning = 0,
};

static __always_inline void add(void *map, __u32 key, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(map, &key);

	if (v)
		__sync_fetch_and_add(v, n);
	else
		bpf_map_update_elem(map, &key, &n, BPF_NOEXIST);
}

SEC("classifier")
int cls_legacy_elf(struct __sk_buff *skb)
{
	add(&elf_counters, 0, 1);
	add(&elf_counters, 1, skb->len);
	add(&elf_by_len, skb->len, 1);
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
