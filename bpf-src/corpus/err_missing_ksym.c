// SPDX-License-Identifier: GPL-2.0
/*
 * ERROR CASE: calls a kernel function (kfunc) that does not exist. The
 * call is an R_BPF_64_32 relocation against an undefined symbol declared
 * in the ".ksyms" section (BTF: extern FUNC in DATASEC .ksyms). The loader
 * has to look the name up in the kernel's BTF and fail cleanly when it is
 * not there; libbpf fails at load time with
 * "extern (func ksym) 'bpf_jbpf_no_such_kfunc': not found in kernel or module BTFs".
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int bpf_jbpf_no_such_kfunc(int x) __ksym;

SEC("xdp")
int xdp_missing_ksym(struct xdp_md *ctx)
{
	return bpf_jbpf_no_such_kfunc(ctx->ingress_ifindex) ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
