// SPDX-License-Identifier: GPL-2.0
/*
 * fentry and fexit on functions of a kernel module, found in the module's split BTF
 * (/sys/kernel/btf/veth): jtr_veth_open on veth_open, found by searching the loaded modules, and
 * jtr_veth_close on veth_close, with the module named as libbpf names it (fexit/veth:veth_close).
 * Each counts the calls: the test sets the two ends of a veth pair up, then down. Used by
 * loader/src/test/java/io/jbpf/link/TracingIT.java (on the second kernel: this host has no modules).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 veth_opens;
__u64 veth_closes;

SEC("fentry/veth_open")
int jtr_veth_open(__u64 *ctx)
{
	__sync_fetch_and_add(&veth_opens, 1);
	return 0;
}

SEC("fexit/veth:veth_close")
int jtr_veth_close(__u64 *ctx)
{
	__sync_fetch_and_add(&veth_closes, 1);
	return 0;
}

char _license[] SEC("license") = "GPL";
