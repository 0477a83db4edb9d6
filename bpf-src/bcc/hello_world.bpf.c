// SPDX-License-Identifier: GPL-2.0
/*
 * The bcc tutorial's first lesson, hello_world.py: print "Hello, World!" whenever a process calls
 * sync(2). bcc attaches it to a kprobe on sync; this one uses the syscalls/sys_enter_sync
 * tracepoint, which every kernel jbpf runs on has (the development machine has no kprobes).
 *
 *   ./jbpf run bpf-src/bcc/hello_world.bpf.c        # then, in another shell: sync
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_sync")
int hello(void *ctx)
{
	bpf_printk("Hello, World!");
	return 0;
}

char _license[] SEC("license") = "GPL";
