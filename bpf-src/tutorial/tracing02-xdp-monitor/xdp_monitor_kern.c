// SPDX-License-Identifier: GPL-2.0
/*
 * xdp-tutorial tracing02-xdp-monitor, jbpf's own programs (XdpTutorialTracingIT walks them):
 * samples/bpf's xdp_monitor idea, counting what XDP programs do from the xdp:* tracepoints.
 *
 *   trace_xdp_redirect      xdp:xdp_redirect      a redirect that worked (bpf_redirect and
 *                                                 bpf_redirect_map; the kernel gives bpf_redirect's
 *                                                 map_id as INT_MAX, 2147483647)
 *   trace_xdp_redirect_err  xdp:xdp_redirect_err  a redirect that failed (err < 0)
 *   trace_xdp_exception     xdp:xdp_exception     XDP_ABORTED or an unknown action
 *
 * Counted in redirect_counts per (program id, device, target device, map id, error) and in
 * exceptions per (program id, device, action). Linux 5.x dropped the separate
 * xdp_redirect_map and xdp_redirect_map_err tracepoints (6.18 has neither): the map variants
 * arrive on the two above with their map id.
 *
 *   jbpf load xdp_monitor_kern.o --attach --pin /sys/fs/bpf/xdp_monitor
 *   jbpf map dump pinned /sys/fs/bpf/xdp_monitor/redirect_counts
 *   rm -r /sys/fs/bpf/xdp_monitor     (unpinning the links detaches the programs)
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* xdp:xdp_redirect and xdp:xdp_redirect_err share one layout (tracefs .../format). */
struct xdp_redirect_ctx {
	__u64 common;
	__s32 prog_id;
	__u32 act;
	__s32 ifindex;
	__s32 err;
	__s32 to_ifindex;
	__u32 map_id;
	__s32 map_index;
};

struct xdp_exception_ctx {
	__u64 common;
	__s32 prog_id;
	__u32 act;
	__s32 ifindex;
};

struct redirect_key {
	__s32 prog_id;
	__s32 ifindex;
	__s32 to_ifindex;
	__u32 map_id;
	__s32 err;		/* 0: redirected; else the negative errno (-EINVAL: no such device) */
};

struct exception_key {
	__s32 prog_id;
	__s32 ifindex;
	__u32 act;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct redirect_key);
	__type(value, __u64);
	__uint(max_entries, 1024);
} redirect_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct exception_key);
	__type(value, __u64);
	__uint(max_entries, 1024);
} exceptions SEC(".maps");

/* Adds one to @map[@key], creating the entry; a racing creator's entry is counted into instead. */
static __always_inline void count(void *map, void *key)
{
	__u64 one = 1, *n;

	n = bpf_map_lookup_elem(map, key);
	if (n) {
		__sync_fetch_and_add(n, 1);
		return;
	}
	if (bpf_map_update_elem(map, key, &one, BPF_NOEXIST) == 0)
		return;
	n = bpf_map_lookup_elem(map, key);
	if (n)
		__sync_fetch_and_add(n, 1);
}

static __always_inline void count_redirect(struct xdp_redirect_ctx *ctx)
{
	struct redirect_key key = {
		.prog_id = ctx->prog_id,
		.ifindex = ctx->ifindex,
		.to_ifindex = ctx->to_ifindex,
		.map_id = ctx->map_id,
		.err = ctx->err,
	};

	count(&redirect_counts, &key);
}

SEC("tracepoint/xdp/xdp_redirect")
int trace_xdp_redirect(struct xdp_redirect_ctx *ctx)
{
	count_redirect(ctx);
	return 0;
}

SEC("tracepoint/xdp/xdp_redirect_err")
int trace_xdp_redirect_err(struct xdp_redirect_ctx *ctx)
{
	count_redirect(ctx);
	return 0;
}

SEC("tracepoint/xdp/xdp_exception")
int trace_xdp_exception(struct xdp_exception_ctx *ctx)
{
	struct exception_key key = { .prog_id = ctx->prog_id, .ifindex = ctx->ifindex, .act = ctx->act };

	count(&exceptions, &key);
	return 0;
}

char _license[] SEC("license") = "GPL";
