// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_loop() with a static callback. The callback's address is loaded with
 * an ld_imm64 that clang relocates against .text (R_BPF_64_64); the loader
 * must turn it into a BPF_PSEUDO_FUNC ld_imm64 (src_reg 4) whose imm is the
 * instruction offset of the callback's copy, appended to the program like
 * any other subprogram.
 *
 * The same callback serves two programs of different types:
 *   xdp_loop      fixed limit 10
 *   sys_loop      SEC("syscall"), limit taken from the context struct,
 *                 result written back into the context (BPF_PROG_TEST_RUN
 *                 copies a syscall program's context back to user space)
 *
 * clang 14 also emits the initialiser of struct loop_state as a 16-byte
 * constant in ".rodata.cst16" even though no instruction reads it (the
 * stores use immediates); libbpf still makes a read-only map of it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct loop_state {
	__u64 sum;
	__u32 limit;
	__u32 calls;
};

/* Context of sys_loop, as passed in BPF_PROG_TEST_RUN ctx_in. */
struct sys_loop_args {
	__u32 limit;	/* in */
	__u32 iterations;	/* out: bpf_loop return value */
	__u64 sum;	/* out */
};

__u64 loop_sum;		/* sum of i*i for i < limit, from xdp_loop */
long loop_ret;		/* bpf_loop return of xdp_loop */
__u32 loop_calls;	/* callback invocations in xdp_loop */

static int sum_squares_cb(__u32 index, void *data)
{
	struct loop_state *st = data;

	st->calls++;
	if (index >= st->limit)
		return 1;	/* stop */
	st->sum += (__u64)index * index;
	return 0;		/* continue */
}

SEC("xdp")
int xdp_loop(struct xdp_md *ctx)
{
	struct loop_state st = { .sum = 0, .limit = 10, .calls = 0 };

	loop_ret = bpf_loop(100, sum_squares_cb, &st, 0);
	loop_sum = st.sum;		/* 0+1+4+...+81 = 285 */
	loop_calls = st.calls;		/* 11: index 10 stops */
	return XDP_PASS;
}

SEC("syscall")
int sys_loop(struct sys_loop_args *args)
{
	struct loop_state st = { .sum = 0, .limit = args->limit, .calls = 0 };
	long n;

	n = bpf_loop(1000, sum_squares_cb, &st, 0);
	args->iterations = n;
	args->sum = st.sum;
	return 0;
}

char _license[] SEC("license") = "GPL";
