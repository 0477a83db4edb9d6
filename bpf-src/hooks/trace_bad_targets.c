// SPDX-License-Identifier: GPL-2.0
/*
 * Programs whose section names a target the kernel does not have (a tracepoint, a function, an
 * LSM hook) or that lack one (fentry with no function): jbpf must name the missing target before
 * BPF_PROG_LOAD, on any kernel. Used by loader/src/test/java/io/jbpf/link/TracingIT.java.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tp_btf/jtr_no_such_tracepoint")
int jtr_bad_tp_btf(__u64 *ctx)
{
	return 0;
}

SEC("fentry/jtr_no_such_function")
int jtr_bad_fentry(__u64 *ctx)
{
	return 0;
}

SEC("lsm/jtr_no_such_hook")
int jtr_bad_lsm(__u64 *ctx)
{
	return 0;
}

SEC("fexit")
int jtr_bad_fexit(__u64 *ctx)
{
	return 0;
}

char _license[] SEC("license") = "GPL";
