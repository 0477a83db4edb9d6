// SPDX-License-Identifier: GPL-2.0
/*
 * A kprobe and a kretprobe on do_sys_openat2, counting the opens of processes with tgid
 * target_tgid. Kprobe programs load on any kernel; attaching needs CONFIG_KPROBES. The test checks
 * the count where the kernel has kprobes and the "no kprobes" message where it has not. Used by
 * loader/src/test/java/io/jbpf/link/KprobeIT.java.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tgid;

__u64 entries;
__u64 returns;

SEC("kprobe/do_sys_openat2")
int jtr_kprobe(void *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) == target_tgid)
		__sync_fetch_and_add(&entries, 1);
	return 0;
}

SEC("kretprobe/do_sys_openat2")
int jtr_kretprobe(void *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) == target_tgid)
		__sync_fetch_and_add(&returns, 1);
	return 0;
}

char _license[] SEC("license") = "GPL";
