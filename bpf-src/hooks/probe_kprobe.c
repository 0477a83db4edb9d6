// SPDX-License-Identifier: GPL-2.0
/*
 * Kprobes that count exactly what one thread of the test does: every program counts only the
 * task whose pid_tgid is target_pid_tgid (the test's thread), on syscalls the JVM makes nowhere
 * else (getppid, getpgid, sync), and files each hit under its link's cookie where it has one:
 *   jpr_kprobe         SEC("kprobe/__x64_sys_getppid"): entries++
 *   jpr_kretprobe      SEC("kretprobe/__x64_sys_getppid"): returns++, return_sum += rax (the ppid)
 *   jpr_sync           SEC("kprobe/__x64_sys_sync"): syncs++ (the bcc lesson: count sync(2) calls)
 *   jpr_ksyscall_sync  SEC("ksyscall/sync"): ksyncs++ (libbpf's syscall form: the arch's wrapper found)
 *   jpr_kcookie        SEC("kprobe"): hits[cookie]++      (KprobeLink with KprobeOptions.cookie)
 *   jpr_kmulti         SEC("kprobe.multi"): multi_hits[cookie]++     (KprobeMultiLink, cookies)
 *   jpr_kmulti_glob    SEC("kprobe.multi/__do_sys_getpp*"): glob_hits++ (the section form)
 * Kprobe programs load on any kernel; attaching needs CONFIG_KPROBES (CONFIG_FPROBE for the multi
 * links). Used by loader/src/test/java/io/jbpf/link/KprobeIT.java and KprobeMultiIT.java.
 */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>

const volatile __u64 target_pid_tgid;

__u64 entries;
__u64 returns;
__u64 return_sum;
__u64 syncs;
__u64 ksyncs;
__u64 hits[8];
__u64 multi_hits[8];
__u64 glob_hits;

static __always_inline int ours(void)
{
	return bpf_get_current_pid_tgid() == target_pid_tgid;
}

static __always_inline void count(__u64 *array, void *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);

	if (ours() && cookie < 8)
		__sync_fetch_and_add(&array[cookie], 1);
}

SEC("kprobe/__x64_sys_getppid")
int jpr_kprobe(struct pt_regs *ctx)
{
	if (ours())
		__sync_fetch_and_add(&entries, 1);
	return 0;
}

SEC("kretprobe/__x64_sys_getppid")
int jpr_kretprobe(struct pt_regs *ctx)
{
	if (ours()) {
		__sync_fetch_and_add(&returns, 1);
		__sync_fetch_and_add(&return_sum, ctx->rax);
	}
	return 0;
}

SEC("kprobe/__x64_sys_sync")
int jpr_sync(struct pt_regs *ctx)
{
	if (ours())
		__sync_fetch_and_add(&syncs, 1);
	return 0;
}

SEC("ksyscall/sync")
int jpr_ksyscall_sync(struct pt_regs *ctx)
{
	if (ours())
		__sync_fetch_and_add(&ksyncs, 1);
	return 0;
}

SEC("kprobe")
int jpr_kcookie(struct pt_regs *ctx)
{
	count(hits, ctx);
	return 0;
}

SEC("kprobe.multi")
int jpr_kmulti(struct pt_regs *ctx)
{
	count(multi_hits, ctx);
	return 0;
}

SEC("kprobe.multi/__do_sys_getpp*")
int jpr_kmulti_glob(struct pt_regs *ctx)
{
	if (ours())
		__sync_fetch_and_add(&glob_hits, 1);
	return 0;
}

char _license[] SEC("license") = "GPL";
