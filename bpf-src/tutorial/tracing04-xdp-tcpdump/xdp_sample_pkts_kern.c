// SPDX-License-Identifier: GPL-2.0
/*
 * xdp-tutorial tracing04-xdp-tcpdump, jbpf's own program (XdpTutorialTracingIT walks it): every
 * packet's first SAMPLE_SIZE bytes go to user space through a perf buffer, which
 * xdp_sample_pkts.java (next to this file) writes as pcapng for tcpdump -r.
 *
 *   xdp_sample_func (SEC "xdp")  bpf_perf_event_output(ctx, &samples, flags, &meta, sizeof(meta))
 *                                with the packet's length in the flags' BPF_F_CTXLEN_MASK bits:
 *                                the kernel appends that many bytes of the packet after meta
 *
 *   java -cp loader/target/jbpf.jar bpf-src/tutorial/tracing04-xdp-tcpdump/xdp_sample_pkts.java \
 *        --dev DEV -w x.pcap     (in the device's netns: t exec-xdp -- java ...)
 *   tcpdump -r x.pcap
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* At most this many bytes of each packet are sampled (as the tutorial's 64: headers, not payloads). */
#define SAMPLE_SIZE 1024ul

/* What precedes the packet bytes in each sample; xdp_sample_pkts.java reads it. */
struct sample_meta {
	__u16 cookie;		/* 0xdead: a check that the layouts agree */
	__u16 pkt_len;		/* the whole packet's length */
	__u16 cap_len;		/* how many of its bytes follow */
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(int));
	__uint(value_size, sizeof(int));
} samples SEC(".maps");

SEC("xdp")
int xdp_sample_func(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 len = data_end - data;
	struct sample_meta meta = { .cookie = 0xdead, .pkt_len = len };
	__u64 flags = BPF_F_CURRENT_CPU;

	if (len > SAMPLE_SIZE)
		len = SAMPLE_SIZE;
	meta.cap_len = len;
	/* The upper 32 bits (BPF_F_CTXLEN_MASK) ask for this many bytes of the packet (the ctx). */
	flags |= (len << 32) & BPF_F_CTXLEN_MASK;
	bpf_perf_event_output(ctx, &samples, flags, &meta, sizeof(meta));
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
