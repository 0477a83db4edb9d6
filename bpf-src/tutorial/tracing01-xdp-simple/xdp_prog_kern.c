// SPDX-License-Identifier: GPL-2.0
/*
 * xdp-tutorial tracing01-xdp-simple, jbpf's own programs (XdpTutorialTracingIT walks them).
 *
 *   xdp_abort_func (SEC "xdp")   aborts (XDP_ABORTED) every ICMP/ICMPv6 echo request, passes the
 *                                rest: a program "failing" on exactly the packets ping sends
 *   trace_xdp_exception          on tracepoint xdp:xdp_exception, which the kernel fires for every
 *                                XDP_ABORTED (and every unknown action): counts them per
 *                                (ifindex, program id) in xdp_exceptions
 *
 *   t setup -n NAME --legacy-ip
 *   t load -n NAME -- --attach --pin /sys/fs/bpf/jbpf-testenv-NAME/tracing01   (in this directory)
 *   t ping -n NAME --legacy-ip -c 5              (no replies: aborted)
 *   jbpf map dump pinned /sys/fs/bpf/jbpf-testenv-NAME/tracing01/xdp_exceptions
 *   t unload -n NAME                             (removes the pins: the tracepoint link goes too)
 */
#include "packet03_helpers.h"
#include "xdp_stats_kern.h"

/* The fields of xdp:xdp_exception after the common ones (tracefs events/xdp/xdp_exception/format). */
struct xdp_exception_ctx {
	__u64 common;		/* common_type, common_flags, common_preempt_count, common_pid */
	__s32 prog_id;
	__u32 act;
	__s32 ifindex;
};

/* The tracepoint is global: the program id tells programs (and network namespaces, whose ifindexes repeat) apart. */
struct exception_key {
	__s32 ifindex;
	__s32 prog_id;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct exception_key);
	__type(value, __u64);
	__uint(max_entries, 256);
} xdp_exceptions SEC(".maps");

SEC("xdp")
int xdp_abort_func(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct p03_frame f;

	if (p03_parse(ctx, &f) < 0 || !f.l4)
		return xdp_stats_record_action(ctx, XDP_PASS);
	if (f.ip4 && f.proto == IPPROTO_ICMP) {
		struct icmphdr *icmp = f.l4;

		if ((void *)(icmp + 1) <= data_end && icmp->type == ICMP_ECHO)
			return xdp_stats_record_action(ctx, XDP_ABORTED);
	} else if (f.ip6 && f.proto == IPPROTO_ICMPV6) {
		struct icmp6hdr *icmp6 = f.l4;

		if ((void *)(icmp6 + 1) <= data_end && icmp6->icmp6_type == ICMPV6_ECHO_REQUEST)
			return xdp_stats_record_action(ctx, XDP_ABORTED);
	}
	return xdp_stats_record_action(ctx, XDP_PASS);
}

SEC("tracepoint/xdp/xdp_exception")
int trace_xdp_exception(struct xdp_exception_ctx *ctx)
{
	struct exception_key key = { .ifindex = ctx->ifindex, .prog_id = ctx->prog_id };
	__u64 one = 1, *count;

	count = bpf_map_lookup_elem(&xdp_exceptions, &key);
	if (count) {
		__sync_fetch_and_add(count, 1);
		return 0;
	}
	/* First exception here; if another CPU created the entry meanwhile, count into it. */
	if (bpf_map_update_elem(&xdp_exceptions, &key, &one, BPF_NOEXIST) == 0)
		return 0;
	count = bpf_map_lookup_elem(&xdp_exceptions, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char _license[] SEC("license") = "GPL";
