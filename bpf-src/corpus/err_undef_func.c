// SPDX-License-Identifier: GPL-2.0
/*
 * ERROR CASE: calls an ordinary C function that is declared but defined
 * nowhere (as if a second .c file had been forgotten at link time). clang
 * emits a BPF-to-BPF call with an R_BPF_64_32 relocation against an
 * undefined global symbol, and BTF has an extern FUNC for it. There is no
 * code to append, so the load must fail with a clear error.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int jbpf_undefined_function(int x);

SEC("xdp")
int xdp_undef_func(struct xdp_md *ctx)
{
	return jbpf_undefined_function(ctx->rx_queue_index) ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
