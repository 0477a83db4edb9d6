// SPDX-License-Identifier: GPL-2.0
/*
 * jbpf dump's entry and exit capture where BPF trampolines work (as xdp-tools' xdpdump does):
 * fentry and fexit programs on the attached XDP program's main function (the sections name no
 * function: io.jbpf.pcap.XdpDump loads them with the XDP program as target). Each sends struct
 * jdu_meta and up to jdu_config[0] bytes of the packet to the perf buffer jdu_events; the exit
 * record carries the action the program returned. Tested by DumpIT on the second kernel.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "jdu_dump.h"

/*
 * The kernel's struct xdp_buff, whose first two members (data, data_end) have been the same since
 * it was made; the loader has no CO-RE, so only those two are read, at their fixed offsets.
 */
struct xdp_buff {
	void *data;
	void *data_end;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jdu_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} jdu_config SEC(".maps");

static __always_inline void send(struct xdp_buff *xdp, __u32 point, __u32 action)
{
	__u32 zero = 0;
	__u32 *snaplen = bpf_map_lookup_elem(&jdu_config, &zero);
	struct jdu_meta meta = {};
	__u64 len = (__u64)xdp->data_end - (__u64)xdp->data;
	__u64 cap = len;

	if (snaplen && cap > *snaplen)
		cap = *snaplen;
	if (cap > 0xffff)
		cap = 0xffff;
	meta.ktime_ns = bpf_ktime_get_ns();
	meta.pkt_len = len;
	meta.cap_len = cap;
	meta.point = point;
	meta.action = action;
	bpf_xdp_output(xdp, &jdu_events, BPF_F_CURRENT_CPU | (cap << 32), &meta, sizeof(meta));
}

SEC("fentry")
int BPF_PROG(jdu_fentry, struct xdp_buff *xdp)
{
	send(xdp, JDU_POINT_ENTRY, 0);
	return 0;
}

SEC("fexit")
int BPF_PROG(jdu_fexit, struct xdp_buff *xdp, int action)
{
	send(xdp, JDU_POINT_EXIT, action);
	return 0;
}

char _license[] SEC("license") = "GPL";
