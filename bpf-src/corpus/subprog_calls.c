// SPDX-License-Identifier: GPL-2.0
/*
 * BPF-to-BPF calls to static subprograms in .text:
 *
 *   xdp_calls_a ─┬─> sum_of_squares ──> square      (two levels deep)
 *                └─> bump_slot (uses a map and a .bss global itself)
 *   tc_calls_b  ─┬─> sum_of_squares ──> square      (same subprograms,
 *                └─> bump_slot                       second program)
 *
 * The subprograms live once in .text; a loader has to append a copy of
 * each one a program reaches to that program's instructions and fix the
 * call offsets (and the map/global ld_imm64 inside the copies), once per
 * program. The calls from "xdp"/"tc" into .text carry R_BPF_64_32
 * relocations; calls inside .text (sum_of_squares -> square) are plain
 * pc-relative calls without relocation.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} call_count SEC(".maps");

__u64 total_calls;	/* bumped by bump_slot for either program */
__u64 result_a;		/* sum_of_squares(3, 4) */
__u64 result_b;		/* sum_of_squares(5, 12) */

/* __noinline keeps each one a real subprogram instead of being inlined. */
static __noinline __u64 square(__u64 x)
{
	return x * x;
}

static __noinline __u64 sum_of_squares(__u64 a, __u64 b)
{
	return square(a) + square(b);
}

/* A subprogram with its own map and global-data references. */
static __noinline int bump_slot(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&call_count, &slot);

	if (!v)
		return -1;
	__sync_fetch_and_add(v, 1);
	total_calls++;
	return 0;
}

SEC("xdp")
int xdp_calls_a(struct xdp_md *ctx)
{
	/* The argument comes from the packet, so clang cannot fold the call. */
	__u64 a = (ctx->data_end - ctx->data) > 0 ? 3 : 0;

	bump_slot(0);
	result_a = sum_of_squares(a, 4);	/* 9 + 16 = 25 */
	return XDP_PASS;
}

SEC("tc")
int tc_calls_b(struct __sk_buff *skb)
{
	__u64 a = skb->len > 0 ? 5 : 0;

	bump_slot(1);
	result_b = sum_of_squares(a, 12);	/* 25 + 144 = 169 */
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
