// SPDX-License-Identifier: GPL-2.0
/*
 * The program a freplace program replaces a function of: an XDP program whose verdict comes from
 * the global function jtr_verdict (XDP_PASS). Global functions are verified on their own, so an
 * extension (hooks/trace_freplace.c) can take jtr_verdict's place. Used by
 * loader/src/test/java/io/jbpf/link/TracingIT.java (with BPF_PROG_TEST_RUN).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__attribute__((noinline)) int jtr_verdict(struct xdp_md *ctx)
{
	return ctx ? XDP_PASS : XDP_ABORTED;
}

SEC("xdp")
int jtr_freplace_target(struct xdp_md *ctx)
{
	return jtr_verdict(ctx);
}

char _license[] SEC("license") = "GPL";
