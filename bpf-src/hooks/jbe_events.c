// SPDX-License-Identifier: GPL-2.0
/*
 * Producer for the event benchmarks (bench/src/main/java/io/jbpf/bench/Events.java, run by
 * bench/run.sh): one BPF_PROG_TEST_RUN of jbe_emit on a chosen CPU writes args[0] records
 * (bpf_loop) numbered from args[1], each args[2] bytes (16..JBE_MAX_LEN, a multiple of 8), into
 * the map args[3] names: 0 jbe_rb_j, 1 jbe_rb_c (ring buffers), 2 jbe_pb_j, 3 jbe_pb_c (perf event
 * arrays). jbpf's reader and the C consumer (libbpf) each get their own map, since a perf buffer
 * reader writes its perf event fds into the map and a ring buffer's consumer position lives in it.
 * A record is u64 seq, u64 ~seq, then bytes filled once. Returns how many outputs the kernel
 * refused (the buffer was full): the benchmark treats anything but 0 as an error.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define JBE_MAX_LEN 4096

struct jbe_buf {
	__u8 b[JBE_MAX_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024);
} jbe_rb_j SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024);
} jbe_rb_c SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jbe_pb_j SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jbe_pb_c SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct jbe_buf);
} jbe_scratch SEC(".maps");

struct jbe_ctx {
	void *tp;
	struct jbe_buf *buf;
	__u64 first;
	__u32 len;
	__u32 target;
	__u64 failed;
};

static long jbe_one(__u32 i, void *data)
{
	struct jbe_ctx *c = data;
	struct jbe_buf *buf = c->buf;
	__u64 seq = c->first + i;
	__u32 len = c->len & (JBE_MAX_LEN - 1);
	long err;

	if (len < 16)
		return 1;
	*(__u64 *)&buf->b[0] = seq;
	*(__u64 *)&buf->b[8] = ~seq;
	switch (c->target) {
	case 0:
		err = bpf_ringbuf_output(&jbe_rb_j, buf, len, 0);
		break;
	case 1:
		err = bpf_ringbuf_output(&jbe_rb_c, buf, len, 0);
		break;
	case 2:
		err = bpf_perf_event_output(c->tp, &jbe_pb_j, BPF_F_CURRENT_CPU, buf, len);
		break;
	default:
		err = bpf_perf_event_output(c->tp, &jbe_pb_c, BPF_F_CURRENT_CPU, buf, len);
		break;
	}
	if (err)
		c->failed++;
	return 0;
}

SEC("raw_tp/sys_enter")
int jbe_emit(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 zero = 0, j;
	struct jbe_ctx c = {
		.tp = ctx,
		.first = ctx->args[1],
		.len = ctx->args[2],
		.target = ctx->args[3],
	};

	c.buf = bpf_map_lookup_elem(&jbe_scratch, &zero);
	if (!c.buf || c.len < 16 || c.len >= JBE_MAX_LEN || (c.len & 7))
		return -1;
	for (j = 16; j < JBE_MAX_LEN; j++)
		c.buf->b[j] = j * 7;
	bpf_loop(ctx->args[0], jbe_one, &c, 0);
	return c.failed;
}

char _license[] SEC("license") = "GPL";
