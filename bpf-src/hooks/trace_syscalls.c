// SPDX-License-Identifier: GPL-2.0
/*
 * Three ways to see the getppid() system calls of one process (the test's JVM, whose tgid the
 * test writes into target_tgid before loading): a tracepoint on syscalls/sys_enter_getppid, a raw
 * tracepoint on sys_enter (which every system call hits: it checks the syscall number), and a
 * BTF-typed raw tracepoint (tp_btf/sys_enter, loaded with the BTF id of btf_trace_sys_enter).
 * Each counts into its own variable, so the test proves each hook counted exactly the N calls it
 * made. Used by loader/src/test/java/io/jbpf/link/TraceSyscallsIT.java.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define NR_GETPPID 110 /* x86_64 */

const volatile __u32 target_tgid;

__u64 tp_calls;
__u64 raw_tp_calls;
__u64 tp_btf_calls;

static __always_inline int ours(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int jtr_tp(void *ctx)
{
	if (ours())
		__sync_fetch_and_add(&tp_calls, 1);
	return 0;
}

/* sys_enter(struct pt_regs *regs, long id): args[1] is the syscall number. */
SEC("raw_tp/sys_enter")
int jtr_raw_tp(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] == NR_GETPPID && ours())
		__sync_fetch_and_add(&raw_tp_calls, 1);
	return 0;
}

/* The same arguments, as an array of u64. */
SEC("tp_btf/sys_enter")
int jtr_tp_btf(__u64 *ctx)
{
	if (ctx[1] == NR_GETPPID && ours())
		__sync_fetch_and_add(&tp_btf_calls, 1);
	return 0;
}

char _license[] SEC("license") = "GPL";
