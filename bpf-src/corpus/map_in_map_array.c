// SPDX-License-Identifier: GPL-2.0
/*
 * ARRAY_OF_MAPS. The inner map definition is a named struct used both for
 * the inner maps and, through __array(values, ...), as the template the
 * kernel needs at outer-map creation (inner_map_fd). In BTF the outer
 * map's "values" member is an array of pointers to that struct.
 *
 *   outer_arr    slot 0 -> inner_a, slot 3 -> inner_b (from .rel.maps)
 *   outer_empty  no initial values; the test may insert an inner map
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner_arr {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
};

struct inner_arr inner_a SEC(".maps");
struct inner_arr inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner_arr);
} outer_arr SEC(".maps") = {
	.values = {
		[0] = &inner_a,
		[3] = &inner_b,
	},
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner_arr);
} outer_empty SEC(".maps");

/* Bit i set: slot i of outer_arr was empty. Bit 4: outer_empty[0] empty. */
__u32 missing;

/* Write val at key k of the inner map stored at slot of outer. */
static __always_inline int poke(void *outer, __u32 slot, __u32 k, __u64 val)
{
	void *inner = bpf_map_lookup_elem(outer, &slot);

	if (!inner)
		return -1;
	return bpf_map_update_elem(inner, &k, &val, BPF_ANY);
}

SEC("xdp")
int xdp_map_in_map(struct xdp_md *ctx)
{
	__u32 m = 0;

	if (poke(&outer_arr, 0, 1, 111))	/* inner_a[1] = 111 */
		m |= 1;
	if (poke(&outer_arr, 1, 0, 999))	/* slot 1 empty */
		m |= 2;
	if (poke(&outer_arr, 3, 2, 333))	/* inner_b[2] = 333 */
		m |= 8;
	if (poke(&outer_empty, 0, 0, 555))	/* empty unless filled */
		m |= 16;
	missing = m;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
