// SPDX-License-Identifier: GPL-2.0
/*
 * STACK_TRACE from a raw tracepoint program. SEC("raw_tp/...") programs
 * need no attach target at load time and can be run with
 * BPF_PROG_TEST_RUN: the context is the u64 argument array given as
 * ctx_in (here 2 arguments = 16 bytes), and the stack recorded is the
 * kernel stack of the test run itself.
 *
 * Run with ctx_in = { 7, 35 } (two little-endian u64):
 *   stack_id >= 0, arg_sum = 42, returns 0.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define STACK_DEPTH 32

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64[STACK_DEPTH]);
} stacks SEC(".maps");

long stack_id = -1;
__u64 arg_sum;

SEC("raw_tp/sys_enter")
int raw_tp_stack(struct bpf_raw_tracepoint_args *ctx)
{
	arg_sum = ctx->args[0] + ctx->args[1];
	stack_id = bpf_get_stackid(ctx, &stacks, 0);
	return 0;
}

char _license[] SEC("license") = "GPL";
