// SPDX-License-Identifier: GPL-2.0
/*
 * RINGBUF producer for the ring buffer reader's kernel tests
 * (loader/src/test/java/io/jbpf/ringbuf/RingBufferIT.java). Each run (BPF_PROG_TEST_RUN with
 * repeat N runs it N times) emits one record with the next sequence number: seq (u64), then
 * bytes (seq + i) & 0xff, 12 to 60 bytes in all (sizes that are not multiples of 8, so the
 * reader's 8-byte alignment of records is exercised). Globals choose the ring buffer (target:
 * 0 jrb_events, 1 jrb_small (one page, to overfill), 2 jrb_other) and make every
 * discard_every-th record a reserved-then-discarded one; failed counts the records that did not
 * fit.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} jrb_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} jrb_small SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} jrb_other SEC(".maps");

__u64 next_seq;
__u64 failed;
__u64 discarded;
__u32 target;
__u32 discard_every;

static __always_inline long emit(void *rb, __u8 *buf, __u32 size)
{
	return bpf_ringbuf_output(rb, buf, size, 0);
}

SEC("xdp")
int jrb_emit(struct xdp_md *ctx)
{
	__u8 buf[64];
	__u64 seq = next_seq++;
	__u32 size = 12 + (seq % 13) * 4;
	long err;
	int i;

	if (discard_every && seq % discard_every == 0) {
		__u64 *e;

		if (target == 1)
			e = bpf_ringbuf_reserve(&jrb_small, 16, 0);
		else if (target == 2)
			e = bpf_ringbuf_reserve(&jrb_other, 16, 0);
		else
			e = bpf_ringbuf_reserve(&jrb_events, 16, 0);
		if (!e) {
			__sync_fetch_and_add(&failed, 1);
			return XDP_PASS;
		}
		e[0] = seq;
		e[1] = ~seq;
		bpf_ringbuf_discard(e, 0);
		__sync_fetch_and_add(&discarded, 1);
		return XDP_PASS;
	}

	/* The verifier needs a bound on the size it sees (clang's knowledge of % 13 is lost). */
	asm volatile("%0 &= 63" : "+r"(size));
	*(__u64 *)buf = seq;
	for (i = 8; i < 64; i++)
		buf[i] = (seq + i) & 0xff;
	if (target == 1)
		err = emit(&jrb_small, buf, size);
	else if (target == 2)
		err = emit(&jrb_other, buf, size);
	else
		err = emit(&jrb_events, buf, size);
	if (err)
		__sync_fetch_and_add(&failed, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
