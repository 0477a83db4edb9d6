// SPDX-License-Identifier: GPL-2.0
/*
 * The C side of the paired benchmarks (io.jbpf.bench.Paired), built by
 * bench/run.sh as bench/target/libjbpfref.so and called in-process through jffi, once per run
 * of N calls, so that jbpf's runs and C's runs alternate every few milliseconds and a slow
 * spell of the machine hits both sides alike. Each call is what ref.c's single-element
 * benchmarks make: the attr built on the stack, then syscall(__NR_bpf, ...).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define offsetofend(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/*
 * n lookups (update == 0) or BPF_ANY updates (update == 1, value[0] counting up) of the u32 at
 * key in map fd, each followed by reading value[0]; returns the elapsed ns, or -errno.
 * Arguments are 64-bit integers (addresses for pointers), as jffi passes them.
 */
int64_t jbpf_ref_loop(int64_t update, int64_t fd, int64_t key_addr, int64_t value_addr, int64_t n)
{
	const uint32_t *key = (const uint32_t *)(uintptr_t)key_addr;
	uint64_t *value = (uint64_t *)(uintptr_t)value_addr;
	const size_t sz = offsetofend(union bpf_attr, flags);
	uint64_t acc = 0, counter = value[0];
	int64_t start = now_ns(), end;

	for (int64_t i = 0; i < n; i++) {
		union bpf_attr attr;

		memset(&attr, 0, sz);
		attr.map_fd = (uint32_t)fd;
		attr.key = (uint64_t)(uintptr_t)key;
		attr.value = (uint64_t)(uintptr_t)value;
		if (update) {
			value[0] = ++counter;
			attr.flags = BPF_ANY;
		}
		if (syscall(__NR_bpf, update ? BPF_MAP_UPDATE_ELEM : BPF_MAP_LOOKUP_ELEM, &attr, sz) < 0)
			return -errno;
		acc += value[0];
	}
	end = now_ns();
	__asm__ volatile("" : : "r"(acc)); /* keep the reads */
	return end - start;
}

/* The map fd's values mapped read-only, as ref.c maps them: the address, or -errno. */
int64_t jbpf_ref_map(int64_t fd, int64_t len)
{
	void *m = mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED, (int)fd, 0);

	return m == MAP_FAILED ? -errno : (int64_t)(uintptr_t)m;
}

/*
 * reps full reads of an mmap'ed array of u64 values (entries of them at addr, 8 bytes apart), the
 * loop ref.c's mmap benchmark runs; the last sum is stored at sum_addr. Returns the elapsed ns.
 */
int64_t jbpf_ref_mmap_sum(int64_t addr, int64_t entries, int64_t reps, int64_t sum_addr)
{
	const uint64_t *m = (const uint64_t *)(uintptr_t)addr;
	uint64_t sum = 0;
	int64_t start = now_ns(), end;

	for (int64_t r = 0; r < reps; r++) {
		sum = 0;
		for (uint32_t i = 0; i < (uint32_t)entries; i++)
			sum += m[i];
		__asm__ volatile("" : : "r"(sum) : "memory"); /* every rep reads the memory again */
	}
	end = now_ns();
	*(uint64_t *)(uintptr_t)sum_addr = sum;
	return end - start;
}
