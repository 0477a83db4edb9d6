// SPDX-License-Identifier: GPL-2.0
/*
 * Global variables in each of the sections a skeleton user gets:
 *
 *   .rodata  cfg_mult, cfg_tag    const volatile: the loader may patch the
 *                                 initial image before load, the program
 *                                 cannot change them afterwards (frozen)
 *   .data    seed, weights[4],    initialised, writable
 *            data_counter
 *            steps[4]             static, initialised
 *   .bss     result, runs         zeroed, writable; runs is static
 *
 * The program only reads/writes them through the internal maps the loader
 * makes from these sections, so the results prove that the loader created
 * the maps with the right initial bytes and patched every ld_imm64 that
 * points into them (including one at a non-zero offset: weights[2]).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* "volatile" stops clang from folding the initial value into the code:
 * the load must really read .rodata, so patching it before load matters. */
const volatile __u32 cfg_mult = 3;
const volatile __u32 cfg_tag = 0xabcd;

__u64 seed = 7;
/* Non-static so that clang cannot treat the never-written array as a
 * constant and fold weights[2] into an immediate. */
__u32 weights[4] = { 10, 20, 30, 40 };
__u64 data_counter = 100;

__u64 result;
/* File-local: BTF marks it static, and it must still get its slot. */
static __u64 runs;
/* File-local and initialised. clang addresses static variables through the
 * section symbol (.data) plus the variable's offset in the ld_imm64, not
 * through their own symbol, so a loader must honour that addend.
 * volatile: without it clang 14 shrinks the array to the one element used
 * ("steps.0", 4 bytes) but keeps the 16-byte array type in BTF, which the
 * kernel rejects (see quirk_sra_static.c). */
static volatile __u32 steps[4] = { 1, 2, 3, 4 };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} out SEC(".maps");

static void put(__u32 key, __u64 val)
{
	bpf_map_update_elem(&out, &key, &val, BPF_ANY);
}

SEC("xdp")
int xdp_globals_main(struct xdp_md *ctx)
{
	runs++;
	data_counter++;
	result = cfg_mult * seed * 2;	/* 3 * 7 * 2 = 42 */
	steps[3] += 10;			/* 4 -> 14 after one run */

	put(0, cfg_mult * seed);		/* 21 */
	put(1, weights[2] + weights[3]);	/* 30 + 40 = 70 */
	put(2, runs);				/* 1 after one run */
	put(3, cfg_tag);			/* 0xabcd */
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
