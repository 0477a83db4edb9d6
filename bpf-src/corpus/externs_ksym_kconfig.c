// SPDX-License-Identifier: GPL-2.0
/*
 * The externs libbpf resolves at load time, all as relocations against
 * undefined symbols:
 *
 *   __kconfig  values from the running kernel's config (/proc/config.gz or
 *              /boot/config-$(uname -r)) and LINUX_KERNEL_VERSION (from
 *              uname). libbpf lays them out in an internal read-only map
 *              ".kconfig" (BTF DATASEC .kconfig gives the variables, not
 *              the offsets); a __weak one that the config lacks reads 0.
 *   __ksym     bpf_dynptr_from_xdp: a kfunc, called with
 *              BPF_PSEUDO_KFUNC_CALL (src_reg 2) and its kernel BTF id;
 *              _text: an untyped (void) ksym, its address from
 *              /proc/kallsyms patched into the ld_imm64.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern int CONFIG_HZ __kconfig;
extern _Bool CONFIG_BPF_SYSCALL __kconfig;
extern enum libbpf_tristate CONFIG_NET_CLS_BPF __kconfig;
extern int CONFIG_JBPF_NOT_A_REAL_OPTION __kconfig __weak;

extern int bpf_dynptr_from_xdp(struct xdp_md *xdp, __u64 flags,
			       struct bpf_dynptr *ptr__uninit) __ksym;
extern const void _text __ksym;

__u32 kernel_version;	/* KERNEL_VERSION(a, b, c) of uname -r */
__u32 hz;		/* CONFIG_HZ */
__u32 bpf_syscall;	/* CONFIG_BPF_SYSCALL=y -> 1 */
__u32 cls_bpf;		/* CONFIG_NET_CLS_BPF: 0 n, 1 y, 2 m */
__u32 missing_option = 7;	/* weak and absent -> 0 */
__u64 text_addr;	/* address of _text, as in /proc/kallsyms */
long dynptr_ret = 1;	/* bpf_dynptr_from_xdp: 0 */
__u32 bytes_12_15;	/* packet bytes 12..15 read through the dynptr */

SEC("xdp")
int xdp_externs(struct xdp_md *ctx)
{
	struct bpf_dynptr ptr;
	__u32 word = 0;

	kernel_version = LINUX_KERNEL_VERSION;
	hz = CONFIG_HZ;
	bpf_syscall = CONFIG_BPF_SYSCALL;
	cls_bpf = CONFIG_NET_CLS_BPF;
	missing_option = CONFIG_JBPF_NOT_A_REAL_OPTION;
	text_addr = (__u64)&_text;

	dynptr_ret = bpf_dynptr_from_xdp(ctx, 0, &ptr);
	if (dynptr_ret == 0 && bpf_dynptr_read(&word, sizeof(word), &ptr, 12, 0) == 0)
		bytes_12_15 = word;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
