// SPDX-License-Identifier: GPL-2.0
/*
 * A uprobe and a uretprobe for a function of a user program: the test attaches them to
 * jtr_work() in hooks/user/trace_target.c (built with gcc by the test) and to getppid() in libc.
 * uprobe counts the calls of processes with tgid target_tgid (0: any process), uretprobe adds up
 * the values the function returned (rax on x86_64), so the test checks both the number of calls
 * and what they returned. Used by loader/src/test/java/io/jbpf/link/UprobeIT.java.
 */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tgid;

__u64 entries;
__u64 returns;
__u64 return_sum;

static __always_inline int ours(void)
{
	return target_tgid == 0 || (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("uprobe")
int jtr_uprobe(struct pt_regs *ctx)
{
	if (ours())
		__sync_fetch_and_add(&entries, 1);
	return 0;
}

SEC("uretprobe")
int jtr_uretprobe(struct pt_regs *ctx)
{
	if (ours()) {
		__sync_fetch_and_add(&returns, 1);
		__sync_fetch_and_add(&return_sum, ctx->rax);
	}
	return 0;
}

char _license[] SEC("license") = "GPL";
