// SPDX-License-Identifier: GPL-2.0
/*
 * QUEUE and STACK maps: no key at all (key_size 0 in BTF and in the create
 * attributes), accessed with bpf_map_push_elem / pop / peek.
 *
 * One run pushes 1, 2, 3 into both, then takes one element out of each:
 *   queue: pop  -> 1 (FIFO); left in the queue: 2, 3
 *   stack: peek -> 3, pop -> 3 (LIFO); left on the stack: 1, 2 (top 2)
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 8);
	__type(value, __u32);
} fifo SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 8);
	__type(value, __u32);
} lifo SEC(".maps");

__u32 queue_popped;
__u32 stack_peeked;
__u32 stack_popped;
long push_ret;		/* last push into fifo: 0, or -E2BIG (-7) when full */

/* One stack slot per value: a loop whose counter's address goes to the
 * helper cannot be bounded by the verifier. */
static __always_inline void push_both(__u32 v)
{
	push_ret = bpf_map_push_elem(&fifo, &v, 0);
	bpf_map_push_elem(&lifo, &v, 0);
}

SEC("xdp")
int xdp_queue_stack(struct xdp_md *ctx)
{
	__u32 v;

	push_both(1);
	push_both(2);
	push_both(3);
	if (bpf_map_pop_elem(&fifo, &v) == 0)
		queue_popped = v;
	if (bpf_map_peek_elem(&lifo, &v) == 0)
		stack_peeked = v;
	if (bpf_map_pop_elem(&lifo, &v) == 0)
		stack_popped = v;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
