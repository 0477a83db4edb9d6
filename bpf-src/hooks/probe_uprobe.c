// SPDX-License-Identifier: GPL-2.0
/*
 * Uprobes on the functions of hooks/user/probe_target.c (jpr_one, jpr_two, jpr_three; built with
 * gcc by the tests at /tmp/jpr_probe_target, the path the section names below use), for the
 * cookie, SYMBOL+offset and uprobe_multi tests. Every program counts only processes with tgid
 * target_tgid (0: any process), and files each hit under the cookie its link gave it
 * (bpf_get_attach_cookie), so one program attached at three places counts each place apart:
 *   jpr_cookie           SEC("uprobe"): hits[cookie]++      (UprobeLink with UprobeOptions.cookie)
 *   jpr_at_offset        SEC("uprobe//tmp/jpr_probe_target:jpr_two+0x4"): offset_hits++, the
 *                        section form of a probe inside a function
 *   jpr_multi            SEC("uprobe.multi"): multi_hits[cookie]++    (UprobeMultiLink, cookies)
 *   jpr_multi_ret        SEC("uretprobe.multi"): multi_returns++, multi_return_sum += rax
 *   jpr_multi_glob       SEC("uprobe.multi//tmp/jpr_probe_target:jpr_t*"): glob_hits++ (jpr_two
 *                        and jpr_three, the section form with a glob pattern)
 * Used by loader/src/test/java/io/jbpf/link/UprobeCookieIT.java and UprobeMultiIT.java.
 */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tgid;

__u64 hits[8];
__u64 offset_hits;
__u64 multi_hits[8];
__u64 multi_returns;
__u64 multi_return_sum;
__u64 glob_hits;

static __always_inline int ours(void)
{
	return target_tgid == 0 || (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

static __always_inline void count(__u64 *array, void *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);

	if (ours() && cookie < 8)
		__sync_fetch_and_add(&array[cookie], 1);
}

SEC("uprobe")
int jpr_cookie(struct pt_regs *ctx)
{
	count(hits, ctx);
	return 0;
}

SEC("uprobe//tmp/jpr_probe_target:jpr_two+0x4")
int jpr_at_offset(struct pt_regs *ctx)
{
	if (ours())
		__sync_fetch_and_add(&offset_hits, 1);
	return 0;
}

SEC("uprobe.multi")
int jpr_multi(struct pt_regs *ctx)
{
	count(multi_hits, ctx);
	return 0;
}

SEC("uretprobe.multi")
int jpr_multi_ret(struct pt_regs *ctx)
{
	if (ours()) {
		__sync_fetch_and_add(&multi_returns, 1);
		__sync_fetch_and_add(&multi_return_sum, ctx->rax);
	}
	return 0;
}

SEC("uprobe.multi//tmp/jpr_probe_target:jpr_t*")
int jpr_multi_glob(struct pt_regs *ctx)
{
	if (ours())
		__sync_fetch_and_add(&glob_hits, 1);
	return 0;
}

char _license[] SEC("license") = "GPL";
