// SPDX-License-Identifier: GPL-2.0
/*
 * The program kinds that run through a BPF trampoline, each loaded with the BTF id of its kernel
 * function: fentry and fexit on __do_sys_getppid (count the calls of target_tgid; fexit keeps the
 * last value returned, bpf_get_func_ret), fmod_ret on security_file_open (refuse, with -EPERM,
 * every open() of the one thread target_pid_tgid names) and lsm/file_open (refuse every open of
 * the one file deny_dev:deny_ino names, whoever opens it). jbpf applies no CO-RE relocations, so
 * the test finds the offsets of the struct members the LSM program follows in the kernel's BTF
 * with jbpf's BTF reader and sets them in .rodata. Where the kernel refuses
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

/* Byte offsets of file.f_inode, inode.i_ino, inode.i_sb and super_block.s_dev in this kernel. */
const volatile __u32 off_file_inode;
const volatile __u32 off_inode_ino;
const volatile __u32 off_inode_sb;
const volatile __u32 off_sb_dev;
/* The test file: its inode number and its file system's kernel dev_t (MKDEV: major << 20 | minor). */
const volatile __u64 deny_ino;
const volatile __u32 deny_dev;

SEC("lsm/file_open")
int jtr_lsm(__u64 *ctx)
{
	void *file = (void *)ctx[0];
	void *inode = 0;
	void *sb = 0;
	__u64 ino = 0;
	__u32 dev = 0;

	if (bpf_probe_read_kernel(&inode, sizeof(inode), file + off_file_inode) || !inode)
		return 0;
	bpf_probe_read_kernel(&ino, sizeof(ino), inode + off_inode_ino);
	if (ino != deny_ino)
		return 0;
	if (bpf_probe_read_kernel(&sb, sizeof(sb), inode + off_inode_sb) || !sb)
		return 0;
	bpf_probe_read_kernel(&dev, sizeof(dev), sb + off_sb_dev);
	if (dev != deny_dev)
		return 0;
	__sync_fetch_and_add(&lsm_denied, 1);
	return -EPERM;
}

char _license[] SEC("license") = "GPL";
