// SPDX-License-Identifier: GPL-2.0
/*
 * USER_RINGBUF consumer for the user ring buffer producer's kernel test
 * (loader/src/test/java/io/jbpf/ringbuf/UserRingBufferIT.java). One run drains every record
 * Java submitted (bpf_user_ringbuf_drain) and keeps what it saw: how many records, the sum of
 * their values, and whether the sequence numbers came in order without a gap. A record is u64
 * seq, u64 value (at least 16 bytes; longer ones too).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 4096);
} jrb_user SEC(".maps");

__u64 seen;
__u64 sum;
__u64 expected_seq;
__u64 out_of_order;
long drained = -1;

static long on_record(struct bpf_dynptr *dynptr, void *ctx)
{
	__u64 rec[2];

	if (bpf_dynptr_read(rec, sizeof(rec), dynptr, 0, 0))
		return 1;
	if (rec[0] != expected_seq)
		out_of_order++;
	expected_seq = rec[0] + 1;
	sum += rec[1];
	seen++;
	return 0;
}

SEC("xdp")
int jrb_drain(struct xdp_md *ctx)
{
	drained = bpf_user_ringbuf_drain(&jrb_user, on_record, 0, 0);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
