// SPDX-License-Identifier: GPL-2.0
/*
 * An extension (freplace) of jtr_verdict in hooks/trace_freplace_target.c: loaded with the target
 * program's fd and jtr_verdict's BTF id in that program's BTF, attached, it makes the target drop
 * every packet. Used by loader/src/test/java/io/jbpf/link/TracingIT.java.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("freplace/jtr_verdict")
int jtr_verdict_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
