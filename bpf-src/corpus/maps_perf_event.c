// SPDX-License-Identifier: GPL-2.0
/*
 * PERF_EVENT_ARRAY with max_entries left at 0: libbpf then sizes it to the
 * number of possible CPUs (the kernel itself would refuse 0). Without a
 * perf event fd in the current CPU's slot, bpf_perf_event_output fails
 * with -ENOENT (-2); the program records that instead of failing.
 *
 * The second call also asks for the first 16 packet bytes to be appended
 * (length in the upper 32 bits of flags, an XDP-specific feature).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

long perf_ret = 1;	/* 1 = not run yet */
long perf_pkt_ret = 1;

SEC("xdp")
int xdp_perf_event(struct xdp_md *ctx)
{
	__u64 sample = 0x1122334455667788ULL;
	__u64 flags = BPF_F_CURRENT_CPU | ((__u64)16 << 32);

	perf_ret = bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU,
					 &sample, sizeof(sample));
	perf_pkt_ret = bpf_perf_event_output(ctx, &perf_events, flags,
					     &sample, sizeof(sample));
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
