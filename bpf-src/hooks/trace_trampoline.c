// SPDX-License-Identifier: GPL-2.0
/*
 * The program kinds that run through a BPF trampoline, each loaded with the BTF id of its kernel
 * function: fentry and fexit on __do_sys_getppid (count the calls of target_tgid; fexit keeps the
 * last value returned, bpf_get_func_ret), fmod_ret on security_file_open and lsm/file_open (refuse,
 * with -EPERM, every open() of the one thread target_pid_tgid names). Where the kernel refuses
 * trampolines (lockdown) every load fails and the test checks the message; elsewhere the test
 * proves each effect. Used by loader/src/test/java/io/jbpf/link/TracingIT.java.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define EPERM 1

const volatile __u32 target_tgid;
/* tgid << 32 | tid of the one thread whose opens fmod_ret and lsm refuse. */
const volatile __u64 target_pid_tgid;

__u64 fentry_calls;
__u64 fexit_calls;
__u64 fexit_last_ret;
__u64 fmod_ret_denied;
__u64 lsm_denied;

SEC("fentry/__do_sys_getppid")
int jtr_fentry(__u64 *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) == target_tgid)
		__sync_fetch_and_add(&fentry_calls, 1);
	return 0;
}

SEC("fexit/__do_sys_getppid")
int jtr_fexit(__u64 *ctx)
{
	__u64 ret = 0;

	if ((bpf_get_current_pid_tgid() >> 32) == target_tgid) {
		bpf_get_func_ret(ctx, &ret);
		fexit_last_ret = ret;
		__sync_fetch_and_add(&fexit_calls, 1);
	}
	return 0;
}

/* A non-zero return skips security_file_open and becomes its result. */
SEC("fmod_ret/security_file_open")
int jtr_fmod_ret(__u64 *ctx)
{
	if (bpf_get_current_pid_tgid() == target_pid_tgid) {
		__sync_fetch_and_add(&fmod_ret_denied, 1);
		return -EPERM;
	}
	return 0;
}

SEC("lsm/file_open")
int jtr_lsm(__u64 *ctx)
{
	if (bpf_get_current_pid_tgid() == target_pid_tgid) {
		__sync_fetch_and_add(&lsm_denied, 1);
		return -EPERM;
	}
	return 0;
}

char _license[] SEC("license") = "GPL";
