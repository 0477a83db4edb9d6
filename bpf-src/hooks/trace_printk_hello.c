// SPDX-License-Identifier: GPL-2.0
/*
 * The bcc tutorial's hello world on the sync(2) tracepoint: "Hello, World!" through bpf_printk for
 * every sync of the process target_tgid (0: every process), read back from the trace pipe. Used
 * by loader/src/test/java/io/jbpf/trace/TracePipeIT.java.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tgid;

SEC("tracepoint/syscalls/sys_enter_sync")
int jtr_hello(void *ctx)
{
	if (target_tgid && (bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	bpf_printk("Hello, World!");
	return 0;
}

char _license[] SEC("license") = "GPL";
