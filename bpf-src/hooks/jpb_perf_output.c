// SPDX-License-Identifier: GPL-2.0
/*
 * Emits records into a perf event array (bpf_perf_event_output, BPF_F_CURRENT_CPU) when run
 * through BPF_PROG_TEST_RUN on a chosen CPU: args[0] records, numbered from args[1], each
 * args[2] bytes long (16..JPB_MAX_LEN, a multiple of 4). A record is
 *   u32 seq, u32 cpu, u32 len, u32 ~seq, then bytes b[j] = j * 7 (mod 256) up to len - 4,
 *   then u32 seq ^ 0xa5a5a5a5 in its last 4 bytes,
 * so a reader can check every byte, the order and the CPU. Outputs the kernel refuses (the ring
 * is full) are counted in jpb_failed.
 * Used by loader/src/test/java/io/jbpf/perf/PerfBufferIT.java.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define JPB_MAX_LEN 2048
#define JPB_MAX_RECORDS 1024

struct jpb_buf {
	__u8 b[JPB_MAX_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jpb_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct jpb_buf);
} jpb_scratch SEC(".maps");

__u64 jpb_failed;

SEC("raw_tp/sys_enter")
int jpb_emit(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 zero = 0, n = ctx->args[0], first = ctx->args[1], len = ctx->args[2];
	__u32 cpu = bpf_get_smp_processor_id();
	struct jpb_buf *buf = bpf_map_lookup_elem(&jpb_scratch, &zero);
	__u32 i, j;

	if (!buf || len < 16 || len > JPB_MAX_LEN || (len & 3))
		return 1;
	for (j = 16; j < JPB_MAX_LEN; j++)
		buf->b[j] = j * 7;
	for (i = 0; i < JPB_MAX_RECORDS && i < n; i++) {
		__u32 seq = first + i;
		__u32 end = (len - 4) & (JPB_MAX_LEN - 1);

		if (end < 12 || end > JPB_MAX_LEN - 4)
			return 1;
		*(__u32 *)&buf->b[0] = seq;
		*(__u32 *)&buf->b[4] = cpu;
		*(__u32 *)&buf->b[8] = len;
		*(__u32 *)&buf->b[12] = ~seq;
		*(__u32 *)&buf->b[end] = seq ^ 0xa5a5a5a5;
		/* end + 4 (= len), whose bounds the verifier knows here: 6.1's loses len's across the loop. */
		if (bpf_perf_event_output(ctx, &jpb_events, BPF_F_CURRENT_CPU, buf, end + 4) < 0)
			__sync_fetch_and_add(&jpb_failed, 1);
		/* The next record's body: what the marker overwrote. */
		buf->b[end] = end * 7;
		buf->b[end + 1] = (end + 1) * 7;
		buf->b[end + 2] = (end + 2) * 7;
		buf->b[end + 3] = (end + 3) * 7;
	}
	return 0;
}

char _license[] SEC("license") = "GPL";
