// SPDX-License-Identifier: GPL-2.0
/*
 * RINGBUF from XDP: one record with bpf_ringbuf_output (copy), one with
 * reserve + submit (in place) and one reserved then discarded. Nobody
 * consumes, so the records stay in the buffer and bpf_ringbuf_query shows
 * how much is pending: 3 records * (8-byte header + 8-byte event) = 48
 * bytes after the first run. max_entries is the buffer size in bytes (a
 * power of two, multiple of the page size).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 len;
	__u32 kind;	/* 1: ringbuf_output, 2: reserve+submit */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

long output_ret = -1;	/* bpf_ringbuf_output: 0 or -EAGAIN (-11) when full */
__u32 reserved;		/* 1 if bpf_ringbuf_reserve succeeded */
__u32 discarded;	/* 1 if the second reservation was made and discarded */
__u64 avail;		/* BPF_RB_AVAIL_DATA after this run */

SEC("xdp")
int xdp_ringbuf(struct xdp_md *ctx)
{
	struct event ev = { .len = ctx->data_end - ctx->data, .kind = 1 };
	struct event *e;

	output_ret = bpf_ringbuf_output(&events, &ev, sizeof(ev), 0);

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	reserved = e != 0;
	if (e) {
		e->len = ev.len;
		e->kind = 2;
		bpf_ringbuf_submit(e, 0);
	}

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	discarded = e != 0;
	if (e)
		bpf_ringbuf_discard(e, 0);

	avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
