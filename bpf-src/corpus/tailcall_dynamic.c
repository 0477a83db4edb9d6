// SPDX-License-Identifier: GPL-2.0
/*
 * A PROG_ARRAY with no initial values (the test fills it), and a tail call
 * made from inside a BPF-to-BPF subprogram rather than from the entry
 * program: the kernel allows mixing the two (x86-64 JIT, since 5.10).
 *
 *   tc_chain_entry -> try_chain() -> bpf_tail_call(chain, 0)
 *        slot 0 empty:  try_chain returns, entry returns TC_ACT_OK (0)
 *        slot 0 = tc_chain_next: the run ends in tc_chain_next, which
 *                       returns TC_ACT_SHOT (2)
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} chain SEC(".maps");

__u64 entry_runs;	/* every run of tc_chain_entry */
__u64 next_runs;	/* runs that reached tc_chain_next */
__u64 fallthrough_runs;	/* runs whose tail call failed */
/* What try_chain returns when the tail call fails. A writable global, not
 * a constant: if clang could see that try_chain always returns the same
 * value, it would drop the use of its return value in tc_chain_entry, and
 * the verdict of the tail-called program would be lost. */
__u32 fallback_verdict = TC_ACT_OK;

static __noinline int try_chain(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &chain, 0);
	/* Reached only if slot 0 is empty. */
	fallthrough_runs++;
	return fallback_verdict;
}

SEC("tc")
int tc_chain_entry(struct __sk_buff *skb)
{
	entry_runs++;
	return try_chain(skb);
}

SEC("tc")
int tc_chain_next(struct __sk_buff *skb)
{
	next_runs++;
	return TC_ACT_SHOT;
}

char _license[] SEC("license") = "GPL";
