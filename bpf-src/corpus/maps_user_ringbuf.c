// SPDX-License-Identifier: GPL-2.0
/*
 * USER_RINGBUF: the reverse ring buffer (user space produces, the program
 * consumes with bpf_user_ringbuf_drain and a callback, another
 * BPF_PSEUDO_FUNC reference). With nothing produced the drain returns 0
 * samples and the callback never runs.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 4096);
} requests SEC(".maps");

struct drain_state {
	__u64 sum;	/* sum of the first u64 of every sample */
	__u32 samples;
};

long drain_ret = -1;	/* samples drained, or a negative error */
__u32 cb_calls;
__u64 sample_sum;

static long take_sample(struct bpf_dynptr *dynptr, void *data)
{
	struct drain_state *st = data;
	__u64 v = 0;

	st->samples++;
	if (bpf_dynptr_read(&v, sizeof(v), dynptr, 0, 0) == 0)
		st->sum += v;
	return 0;
}

SEC("xdp")
int xdp_user_ringbuf(struct xdp_md *ctx)
{
	struct drain_state st = {};

	drain_ret = bpf_user_ringbuf_drain(&requests, take_sample, &st, 0);
	cb_calls = st.samples;
	sample_sum = st.sum;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
