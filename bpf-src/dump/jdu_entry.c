// SPDX-License-Identifier: GPL-2.0
/*
 * jbpf dump's entry capture where BPF trampolines are refused: attached to the device in place of
 * its XDP program, it sends each packet (struct jdu_meta, then up to jdu_config[0] bytes of it) to
 * the perf buffer jdu_events and tail-calls the program it replaced, which user space put in
 * jdu_next[0]. Used by io.jbpf.pcap.XdpDump (jbpf dump), tested by DumpIT.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "jdu_dump.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jdu_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jdu_next SEC(".maps");

/* [0]: snaplen, written by user space before the program is attached. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} jdu_config SEC(".maps");

SEC("xdp")
int jdu_entry(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 zero = 0;
	__u32 *snaplen = bpf_map_lookup_elem(&jdu_config, &zero);
	struct jdu_meta meta = {};
	__u64 len = data_end - data;
	__u64 cap = len;

	if (snaplen && cap > *snaplen)
		cap = *snaplen;
	if (cap > 0xffff)
		cap = 0xffff;
	meta.ktime_ns = bpf_ktime_get_ns();
	meta.pkt_len = len;
	meta.cap_len = cap;
	meta.point = JDU_POINT_ENTRY;
	meta.rx_queue = ctx->rx_queue_index;
	bpf_perf_event_output(ctx, &jdu_events, BPF_F_CURRENT_CPU | (cap << 32), &meta, sizeof(meta));
	bpf_tail_call(ctx, &jdu_next, 0);
	/* Reached only when jdu_next is empty: the replaced program is gone, so do what no program does. */
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
