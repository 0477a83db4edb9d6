/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-action XDP statistics shared by the jbpf example programs.
 *
 * Every program that includes this header gets its own copy of
 * xdp_stats_map in its object file (one map per object), and reports each
 * verdict through record_action() so user space (`jbpf map dump --map
 * xdp_stats_map`) can see how many packets/bytes got which XDP action.
 */
#ifndef JBPF_XDP_STATS_H
#define JBPF_XDP_STATS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Actions are XDP_ABORTED(0) .. XDP_REDIRECT(4): one map slot for each. */
#ifndef XDP_ACTION_MAX
#define XDP_ACTION_MAX (XDP_REDIRECT + 1)
#endif

/* Value of one map slot. 2 x u64 = 16 bytes, no padding, so the layout the
 * Java side decodes is fixed. */
struct datarec {
	__u64 rx_packets;
	__u64 rx_bytes;
};

/* BTF-defined map (".maps", needs -g). PERCPU_ARRAY: every CPU updates its own copy, no atomics
 * or cache-line bouncing; user space sums the CPUs. XDP_STATS_PIN_MEMBER may add a pinning member
 * (see xdp_icmp_echo_pinned.c); it shares a line so that the other objects' line info stays put. */
#ifndef XDP_STATS_PIN_MEMBER
#define XDP_STATS_PIN_MEMBER
#endif
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct datarec);
	__uint(max_entries, XDP_ACTION_MAX); XDP_STATS_PIN_MEMBER
} xdp_stats_map SEC(".maps");

/*
 * Count one packet (and its length) for @action, then return @action, so a
 * program can end with `return record_action(ctx, XDP_PASS);`.
 *
 * Always inlined on purpose: a real (non-inlined) function would become a
 * BPF-to-BPF call, which the loader does not support yet.
 */
static __always_inline __u32 record_action(struct xdp_md *ctx, __u32 action)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct datarec *rec;

	/* Keep the key in range; out-of-range lookups would just fail. */
	if (action >= XDP_ACTION_MAX)
		return XDP_ABORTED;

	/* The helper takes a pointer to the key, so the key must live on the
	 * stack: that is why @action is passed by address. */
	rec = bpf_map_lookup_elem(&xdp_stats_map, &action);
	if (!rec)	/* cannot happen for an in-range array key, but the
			 * verifier insists on the NULL check */
		return XDP_ABORTED;

	/* Per-CPU slot: a plain increment is race free. */
	rec->rx_packets++;
	/* Linear part only (for multi-buffer packets the frags are not
	 * counted); that is all a plain XDP program can see. */
	rec->rx_bytes += data_end - data;

	return action;
}

#endif /* JBPF_XDP_STATS_H */
