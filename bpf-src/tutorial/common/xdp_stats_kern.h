/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lessons' per-action statistics (basic04 on): xdp_stats_map, a PERCPU_ARRAY indexed by XDP
 * action whose value is struct datarec {rx_packets, rx_bytes} - the layout `jbpf stats` reads,
 * live from a device (--dev) or from the pinned map (--pin-dir), as the tutorial's xdp_stats does.
 * A lesson ends each verdict with `return xdp_stats_record_action(ctx, action);`.
 */
#ifndef TUTORIAL_XDP_STATS_KERN_H
#define TUTORIAL_XDP_STATS_KERN_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifndef XDP_ACTION_MAX
#define XDP_ACTION_MAX (XDP_REDIRECT + 1)
#endif

struct datarec {
	__u64 rx_packets;
	__u64 rx_bytes;
};

/* Per CPU: each CPU counts into its own copy with plain increments; user space sums them. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct datarec);
	__uint(max_entries, XDP_ACTION_MAX);
} xdp_stats_map SEC(".maps");

static __always_inline __u32 xdp_stats_record_action(struct xdp_md *ctx, __u32 action)
{
	struct datarec *rec;

	if (action >= XDP_ACTION_MAX)
		return XDP_ABORTED;
	rec = bpf_map_lookup_elem(&xdp_stats_map, &action);
	if (!rec)
		return XDP_ABORTED;
	rec->rx_packets++;
	rec->rx_bytes += ctx->data_end - ctx->data;
	return action;
}

#endif
