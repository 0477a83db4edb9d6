// SPDX-License-Identifier: GPL-2.0
/*
 * libbpf's virtual __kconfig externs and weak __ksym externs the kernel
 * lacks, resolved by the loader as libbpf resolves them:
 *
 *   LINUX_KERNEL_VERSION       KERNEL_VERSION(a, b, c) of uname -r
 *   LINUX_HAS_BPF_COOKIE       1 when bpf_get_attach_cookie() exists (probed)
 *   LINUX_HAS_SYSCALL_WRAPPER  1 when syscalls have arch wrappers
 *                              (__x64_sys_bpf in kallsyms on x86-64)
 *
 *   bpf_jbpf_no_such_kfunc     a __weak kfunc the kernel lacks: its address
 *                              reads 0, and the call, guarded by that test,
 *                              is poisoned (dead code the verifier skips)
 *   jbpf_no_such_ksym          a __weak typed __ksym the kernel lacks: 0
 *   jbpf_no_such_untyped       a __weak untyped __ksym the kernel lacks: 0
 *   bpf_dynptr_from_xdp        a __weak kfunc the kernel has: its address is
 *                              not 0 and the call runs
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* libbpf 1.2's bpf_ksym_exists(); Debian's libbpf-dev 1.1 lacks it. */
#define ksym_exists(sym) (!!&(sym))

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern _Bool LINUX_HAS_BPF_COOKIE __kconfig;
extern _Bool LINUX_HAS_SYSCALL_WRAPPER __kconfig;

extern int bpf_jbpf_no_such_kfunc(struct xdp_md *xdp, __u64 flags) __ksym __weak;
extern int bpf_dynptr_from_xdp(struct xdp_md *xdp, __u64 flags,
			       struct bpf_dynptr *ptr__uninit) __ksym __weak;
extern const int jbpf_no_such_ksym __ksym __weak;
extern const void jbpf_no_such_untyped __ksym __weak;

__u32 kernel_version;
__u32 has_cookie = 7;
__u32 has_wrapper = 7;
__u32 missing_kfunc_exists = 7;	/* 0: the weak kfunc resolved to nothing */
__u32 present_kfunc_exists;	/* 1 */
__u64 missing_ksym_addr = 7;	/* 0 */
__u64 missing_untyped_addr = 7;	/* 0 */
long missing_kfunc_ret = 7;	/* stays 7: the poisoned call never runs */
long present_kfunc_ret = 7;	/* 0: bpf_dynptr_from_xdp ran */

SEC("xdp")
int xdp_virtual_weak(struct xdp_md *ctx)
{
	struct bpf_dynptr ptr;

	kernel_version = LINUX_KERNEL_VERSION;
	has_cookie = LINUX_HAS_BPF_COOKIE;
	has_wrapper = LINUX_HAS_SYSCALL_WRAPPER;

	missing_kfunc_exists = ksym_exists(bpf_jbpf_no_such_kfunc);
	if (ksym_exists(bpf_jbpf_no_such_kfunc))
		missing_kfunc_ret = bpf_jbpf_no_such_kfunc(ctx, 0);

	present_kfunc_exists = ksym_exists(bpf_dynptr_from_xdp);
	if (ksym_exists(bpf_dynptr_from_xdp))
		present_kfunc_ret = bpf_dynptr_from_xdp(ctx, 0, &ptr);

	missing_ksym_addr = (__u64)&jbpf_no_such_ksym;
	missing_untyped_addr = (__u64)&jbpf_no_such_untyped;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
