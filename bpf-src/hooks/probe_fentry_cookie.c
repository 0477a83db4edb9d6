// SPDX-License-Identifier: GPL-2.0
/*
 * A fentry program on __do_sys_getppid that files each call of the test's thread (pid_tgid
 * target_pid_tgid) under the cookie of the tracing link that ran it (bpf_get_attach_cookie, Linux
 * 5.19+ for fentry): the test attaches it with two different cookies in turn and checks each count.
 * Needs BPF trampolines: a locked-down kernel refuses the load. Used by
 * loader/src/test/java/io/jbpf/link/TracingCookieIT.java.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u64 target_pid_tgid;

__u64 hits[8];

SEC("fentry/__do_sys_getppid")
int jpr_fentry_cookie(void *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);

	if (bpf_get_current_pid_tgid() == target_pid_tgid && cookie < 8)
		__sync_fetch_and_add(&hits[cookie], 1);
	return 0;
}

char _license[] SEC("license") = "GPL";
