// SPDX-License-Identifier: GPL-2.0
/*
 * The C side of the event benchmarks (io.jbpf.bench.Events): libbpf's ring buffer and perf
 * buffer consumers, built by bench/run.sh as bench/target/libjbpfevents.so (-lbpf) and called
 * in-process through jffi once per drain, so that jbpf's drains and libbpf's alternate and see the
 * same machine. The buffers are filled beforehand (hooks/jbe_events.o, not timed); a drain is one
 * ring_buffer__consume / perf_buffer__consume call, timed, whose callback does what the Java
 * handler does: adds the record's first u64 (its sequence number) to a sum and counts the record.
 * Arguments and results are 64-bit integers (addresses for pointers), as jffi passes them.
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct jbe_consumer {
	struct ring_buffer *rb;
	struct perf_buffer *pb;
	uint64_t count;
	uint64_t sum;
	uint64_t lost;
};

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int on_ring_record(void *ctx, void *data, size_t size)
{
	struct jbe_consumer *c = ctx;
	uint64_t seq;

	(void)size;
	memcpy(&seq, data, sizeof(seq));
	c->sum += seq;
	c->count++;
	return 0;
}

static void on_perf_sample(void *ctx, int cpu, void *data, __u32 size)
{
	struct jbe_consumer *c = ctx;
	uint64_t seq;

	(void)cpu;
	(void)size;
	memcpy(&seq, data, sizeof(seq));
	c->sum += seq;
	c->count++;
}

static void on_perf_lost(void *ctx, int cpu, __u64 lost)
{
	struct jbe_consumer *c = ctx;

	(void)cpu;
	c->lost += lost;
}

/* A ring buffer consumer of the RINGBUF map fd: the handle, or -errno. */
int64_t jbe_ringbuf_new(int64_t map_fd)
{
	struct jbe_consumer *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->rb = ring_buffer__new((int)map_fd, on_ring_record, c, NULL);
	if (!c->rb) {
		int err = errno;

		free(c);
		return -(err ? err : EINVAL);
	}
	return (int64_t)(uintptr_t)c;
}

/*
 * A perf buffer consumer of the PERF_EVENT_ARRAY map fd, pages data pages per CPU (libbpf opens
 * an event per CPU and writes its fds into the map): the handle, or -errno.
 */
int64_t jbe_perfbuf_new(int64_t map_fd, int64_t pages)
{
	struct jbe_consumer *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->pb = perf_buffer__new((int)map_fd, (size_t)pages, on_perf_sample, on_perf_lost, c, NULL);
	if (!c->pb) {
		int err = errno;

		free(c);
		return -(err ? err : EINVAL);
	}
	return (int64_t)(uintptr_t)c;
}

/*
 * One timed drain: a single ring_buffer__consume or perf_buffer__consume (each reads every ring
 * until it is empty). Resets the count, sum and lost figures first; out[0..2] receive them.
 * Returns the elapsed ns, or -errno when libbpf failed.
 */
int64_t jbe_drain(int64_t handle, int64_t out_addr)
{
	struct jbe_consumer *c = (struct jbe_consumer *)(uintptr_t)handle;
	uint64_t *out = (uint64_t *)(uintptr_t)out_addr;
	int64_t start, end;
	int r;

	c->count = c->sum = c->lost = 0;
	start = now_ns();
	r = c->rb ? ring_buffer__consume(c->rb) : perf_buffer__consume(c->pb);
	end = now_ns();
	out[0] = c->count;
	out[1] = c->sum;
	out[2] = c->lost;
	if (r < 0)
		return r;
	return end - start;
}

/* Frees the consumer: libbpf unmaps its rings and closes its fds. */
int64_t jbe_free(int64_t handle)
{
	struct jbe_consumer *c = (struct jbe_consumer *)(uintptr_t)handle;

	ring_buffer__free(c->rb);
	perf_buffer__free(c->pb);
	free(c);
	return 0;
}
