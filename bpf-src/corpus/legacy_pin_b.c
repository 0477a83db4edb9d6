// SPDX-License-Identifier: GPL-2.0
/*
 * iproute2's pinning in struct bpf_elf_map (see legacy_elf_map.c): 1 is
 * PIN_OBJECT_NS, a map shared only by loads of the same object file
 * (<bpffs>/tc/<SHA-1 of the file>/<name>), and 2 is PIN_GLOBAL_NS, shared
 * by name with every object (<bpffs>/tc/globals/<name>). Not libbpf's
 * LIBBPF_PIN_BY_NAME, which is also 1 but only in BTF-defined maps.
 * legacy_pin_a.c and legacy_pin_b.c differ only in the program's name, so
 * their "cnt" maps must stay apart while "jbpf_lp_glob" is one map.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_elf_map {
	__u32 type, size_key, size_value, max_elem, flags, id, pinning, inner_id, inner_idx;
};

/* Runs of this object's program. */
struct bpf_elf_map SEC("maps") cnt = {
	.type = BPF_MAP_TYPE_ARRAY, .size_key = 4, .size_value = 8, .max_elem = 1, .id = 1,
	.pinning = 1, /* PIN_OBJECT_NS */
};

/* Runs of either object's program. */
struct bpf_elf_map SEC("maps") jbpf_lp_glob = {
	.type = BPF_MAP_TYPE_ARRAY, .size_key = 4, .size_value = 8, .max_elem = 1, .id = 2,
	.pinning = 2, /* PIN_GLOBAL_NS */
};

static __always_inline void bump(void *map)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(map, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("classifier")
int cls_b(struct __sk_buff *skb)
{
	bump(&cnt);
	bump(&jbpf_lp_glob);
	return 0;
}

char _license[] SEC("license") = "GPL";
