// SPDX-License-Identifier: GPL-2.0
/*
 * An object in the pre-BTF style, as older projects (and old xdp-tutorial
 * lessons) still ship them:
 *
 *  - maps are described by `struct bpf_map_def` records in a section named
 *    "maps" (not BTF-defined ".maps"); the loader reads the records from
 *    the section bytes, one per symbol, and names each map after its
 *    symbol;
 *  - the program section has a free-form name ("xdp_legacy") instead of
 *    the libbpf 1.x convention "xdp".
 *
 * libbpf 1.x (and so bpftool) rejects both; jbpf is meant to load it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/*
 * The classic record layout: five 32-bit fields, 20 bytes, no padding.
 * libbpf 1.x headers dropped this struct, so it is spelled out here.
 */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

/* Slot 0 counts every packet seen; slots 1..3 are spare. */
struct bpf_map_def SEC("maps") legacy_counter = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4,
	.map_flags = 0,
};

/* Packets per ingress ifindex (key u32 ifindex, value u64 count). */
struct bpf_map_def SEC("maps") legacy_ifindex_hash = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 16,
	.map_flags = 0,
};

SEC("xdp_legacy")
int xdp_legacy_func(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u32 ifindex = ctx->ingress_ifindex;
	__u64 one = 1;
	__u64 *val;

	val = bpf_map_lookup_elem(&legacy_counter, &key);
	/* An ARRAY is shared by all CPUs, so the increment must be atomic.
	 * The result of __sync_fetch_and_add is not used, which lets clang
	 * emit the plain atomic add that every BPF CPU version has. */
	if (val)
		__sync_fetch_and_add(val, 1);

	val = bpf_map_lookup_elem(&legacy_ifindex_hash, &ifindex);
	if (val) {
		__sync_fetch_and_add(val, 1);
	} else {
		/* First packet on this interface. BPF_NOEXIST: if another
		 * CPU inserted the key meanwhile, its count is kept and this
		 * packet is lost from the tally, which is fine for a demo. */
		bpf_map_update_elem(&legacy_ifindex_hash, &ifindex, &one,
				    BPF_NOEXIST);
	}

	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
