// SPDX-License-Identifier: GPL-2.0
/*
 * Tail calls through a PROG_ARRAY whose slots are filled from the object
 * itself: libbpf's ".values = { [i] = &prog }" initialiser. In the ELF the
 * initialiser is not data but relocations: .rel.maps holds one
 * R_BPF_64_64 per filled slot, against the target program's symbol, at
 * offset  <map symbol offset> + <offset of "values" in the map struct>
 *         + slot * 8.
 * The loader must load the target programs first and then write their fds
 * into the map (libbpf does it after loading all programs).
 *
 *   slot 0 -> tail_zero  returns XDP_DROP (1)
 *   slot 1 -> (empty)    the tail call fails, xdp_dispatch goes on and
 *                        returns XDP_PASS (2)
 *   slot 2 -> tail_two   returns XDP_TX (3)
 *
 * xdp_dispatch takes the slot from the .data global tail_index (2 unless
 * the test changes it) and counts in hits[] which program ended the run.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Declared before the map so the initialiser can take their addresses. */
SEC("xdp") int tail_zero(struct xdp_md *ctx);
SEC("xdp") int tail_two(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jmp_table SEC(".maps") = {
	.values = {
		[0] = (void *)&tail_zero,
		[2] = (void *)&tail_two,
	},
};

/* hits[0]: tail_zero ran, hits[2]: tail_two ran, hits[3]: no tail call. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

__u32 tail_index = 2;

static __always_inline void hit(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&hits, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("xdp")
int xdp_dispatch(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp_table, tail_index);
	/* Only reached when the slot is empty or out of range. */
	hit(3);
	return XDP_PASS;
}

SEC("xdp")
int tail_zero(struct xdp_md *ctx)
{
	hit(0);
	return XDP_DROP;
}

SEC("xdp")
int tail_two(struct xdp_md *ctx)
{
	hit(2);
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
