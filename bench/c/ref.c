// SPDX-License-Identifier: GPL-2.0
/*
 * The C reference for jbpf's benchmarks (bench/run.sh builds it with gcc -O2).
 *
 *   ref [--quick] [--group single|full|loader|all] PINDIR [NAME=OBJ ...]
 *
 * Map benchmarks open the maps that bench/run.sh created and pinned in PINDIR (BPF_OBJ_GET),
 * so they measure the very maps the JMH benchmarks measure, and use nothing but the raw
 * bpf(2) system call: syscall(__NR_bpf, cmd, &attr, size) with the attr built on the stack for
 * every call, as libbpf's bpf_map_lookup_elem() does. The mmap benchmarks are plain loops over
 * the mapping. Loader benchmarks time libbpf's bpf_object__open_file + bpf_object__load +
 * bpf_object__close of each OBJ (libbpf is used for that part only).
 *
 * Each benchmark runs a warm-up, then RUNS timed runs of at least MIN_MS each with
 * clock_gettime(CLOCK_MONOTONIC); it prints the median and the lowest ns per operation:
 *
 *   name median_ns_per_op best_ns_per_op
 *
 * One operation is one call for single-element benchmarks and one whole-map read for the
 * full-read ones; the names are the ones bench/report.py matches with the JMH results.
 * --group runs one group, so that run.sh can time each group right before and after its
 * JMH counterpart.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#define KEY 42            /* the key single-element benchmarks use (BenchMaps.KEY) */
#define BATCH_CAPACITY 4096 /* entries per batch call (BenchMaps.BATCH_CAPACITY) */

#define offsetofend(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))

static double min_ms = 200;
static int runs = 7;
static volatile uint64_t sink;

static void die(const char *what)
{
	fprintf(stderr, "ref: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ---- raw bpf(2) ---- */

static long sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

static int obj_get(const char *path)
{
	union bpf_attr attr;
	const size_t sz = offsetofend(union bpf_attr, file_flags);

	memset(&attr, 0, sz);
	attr.pathname = (uint64_t)(uintptr_t)path;
	return (int)sys_bpf(BPF_OBJ_GET, &attr, sz);
}

static int lookup_elem(int fd, const void *key, void *value)
{
	union bpf_attr attr;
	const size_t sz = offsetofend(union bpf_attr, flags);

	memset(&attr, 0, sz);
	attr.map_fd = fd;
	attr.key = (uint64_t)(uintptr_t)key;
	attr.value = (uint64_t)(uintptr_t)value;
	return (int)sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr, sz);
}

static int update_elem(int fd, const void *key, const void *value, uint64_t flags)
{
	union bpf_attr attr;
	const size_t sz = offsetofend(union bpf_attr, flags);

	memset(&attr, 0, sz);
	attr.map_fd = fd;
	attr.key = (uint64_t)(uintptr_t)key;
	attr.value = (uint64_t)(uintptr_t)value;
	attr.flags = flags;
	return (int)sys_bpf(BPF_MAP_UPDATE_ELEM, &attr, sz);
}

static int get_next_key(int fd, const void *key, void *next)
{
	union bpf_attr attr;
	const size_t sz = offsetofend(union bpf_attr, next_key);

	memset(&attr, 0, sz);
	attr.map_fd = fd;
	attr.key = (uint64_t)(uintptr_t)key;
	attr.next_key = (uint64_t)(uintptr_t)next;
	return (int)sys_bpf(BPF_MAP_GET_NEXT_KEY, &attr, sz);
}

/* BPF_MAP_LOOKUP_BATCH; returns 0 or -1 (errno), *count = entries read (also on ENOENT). */
static int lookup_batch(int fd, void *in, void *out, void *keys, void *values, uint32_t *count)
{
	union bpf_attr attr;
	const size_t sz = offsetofend(union bpf_attr, batch);
	int r;

	memset(&attr, 0, sz);
	attr.batch.map_fd = fd;
	attr.batch.in_batch = (uint64_t)(uintptr_t)in;
	attr.batch.out_batch = (uint64_t)(uintptr_t)out;
	attr.batch.keys = (uint64_t)(uintptr_t)keys;
	attr.batch.values = (uint64_t)(uintptr_t)values;
	attr.batch.count = *count;
	r = (int)sys_bpf(BPF_MAP_LOOKUP_BATCH, &attr, sz);
	*count = attr.batch.count;
	return r;
}

/* ---- timing ---- */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

typedef uint64_t (*op_fn)(void *ctx);

/* One timed run: repeat op until min_ms has passed (checking the clock every `batch` ops). */
static double run_once(op_fn op, void *ctx, long batch)
{
	double start = now_ns(), end, limit = min_ms * 1e6;
	long ops = 0;
	uint64_t acc = 0;

	do {
		for (long i = 0; i < batch; i++)
			acc += op(ctx);
		ops += batch;
		end = now_ns();
	} while (end - start < limit);
	sink += acc;
	return (end - start) / ops;
}

static void bench(const char *name, op_fn op, void *ctx)
{
	double t[64], first;
	long batch;
	int i;

	/* Size the inner batch so a clock read is < ~1% of a run's work, then warm up. */
	first = now_ns();
	sink += op(ctx);
	first = now_ns() - first;
	batch = first > 0 ? (long)(1e5 / first) : 1000;
	if (batch < 1)
		batch = 1;
	run_once(op, ctx, batch);
	for (i = 0; i < runs; i++)
		t[i] = run_once(op, ctx, batch);
	qsort(t, runs, sizeof(t[0]), cmp_double);
	printf("%s %.2f %.2f\n", name, t[runs / 2], t[0]);
	fflush(stdout);
}

/* ---- map benchmarks ---- */

struct map_ctx {
	int fd;
	uint32_t entries;
	uint32_t value_size; /* bytes a lookup writes: 8, or 8 per possible CPU */
	uint64_t *value;
	uint32_t key;
	uint64_t counter;
	void *keys, *values; /* batch buffers */
	const uint64_t *mem; /* mmap */
	size_t mem_len;
	uint64_t *copy;
};

static int possible_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	int lo, hi, n = 0;
	char sep;

	if (!f)
		die("/sys/devices/system/cpu/possible");
	while (fscanf(f, "%d", &lo) == 1) {
		hi = lo;
		if (fscanf(f, "%c", &sep) == 1 && sep == '-') {
			if (fscanf(f, "%d", &hi) != 1)
				break;
			if (fscanf(f, "%c", &sep) != 1)
				sep = '\n';
		}
		n += hi - lo + 1;
		if (sep != ',')
			break;
	}
	fclose(f);
	return n;
}

static uint64_t op_lookup(void *p)
{
	struct map_ctx *c = p;

	if (lookup_elem(c->fd, &c->key, c->value))
		die("lookup");
	return c->value[0];
}

static uint64_t op_update(void *p)
{
	struct map_ctx *c = p;

	c->value[0] = ++c->counter;
	if (update_elem(c->fd, &c->key, c->value, BPF_ANY))
		die("update");
	return 0;
}

static uint64_t op_gnk(void *p)
{
	struct map_ctx *c = p;
	uint32_t key, next;
	uint64_t sum = 0;
	int r;

	for (r = get_next_key(c->fd, NULL, &next); r == 0; r = get_next_key(c->fd, &key, &next)) {
		key = next;
		if (lookup_elem(c->fd, &key, c->value) == 0)
			sum += c->value[0];
	}
	if (errno != ENOENT)
		die("get_next_key");
	return sum;
}

static uint64_t op_batch(void *p)
{
	struct map_ctx *c = p;
	uint64_t in = 0, out = 0, sum = 0;
	int started = 0, r;

	do {
		uint32_t n = BATCH_CAPACITY;
		const uint64_t *v = c->values;

		r = lookup_batch(c->fd, started ? &in : NULL, &out, c->keys, c->values, &n);
		if (r && errno != ENOENT)
			die("lookup batch");
		for (uint32_t i = 0; i < n; i++)
			sum += v[i * (c->value_size / 8)];
		in = out;
		started = 1;
	} while (r == 0);
	return sum;
}

static uint64_t op_keyloop(void *p)
{
	struct map_ctx *c = p;
	uint64_t sum = 0;

	for (uint32_t k = 0; k < c->entries; k++)
		if (lookup_elem(c->fd, &k, c->value) == 0)
			sum += c->value[0];
	return sum;
}

__attribute__((noinline)) static uint64_t op_mmap(void *p)
{
	struct map_ctx *c = p;
	const uint64_t *m = c->mem;
	uint64_t sum = 0;

	for (uint32_t i = 0; i < c->entries; i++)
		sum += m[i];
	return sum;
}

__attribute__((noinline)) static uint64_t op_snapshot(void *p)
{
	struct map_ctx *c = p;
	uint64_t sum = 0;

	memcpy(c->copy, c->mem, (size_t)c->entries * 8);
	for (uint32_t i = 0; i < c->entries; i++)
		sum += c->copy[i];
	return sum;
}

static struct map_ctx open_map(const char *dir, const char *name, uint32_t entries, int per_cpu)
{
	struct map_ctx c = {0};
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	c.fd = obj_get(path);
	if (c.fd < 0)
		die(path);
	c.entries = entries;
	c.value_size = 8 * (per_cpu ? possible_cpus() : 1);
	c.value = calloc(1, c.value_size);
	c.key = KEY;
	c.keys = calloc(BATCH_CAPACITY, 4);
	c.values = calloc(BATCH_CAPACITY, c.value_size);
	if (!c.value || !c.keys || !c.values)
		die("calloc");
	return c;
}

static void expect_sum(const char *name, uint64_t got, uint32_t n)
{
	uint64_t want = 3 * ((uint64_t)n * (n - 1) / 2) + n;

	if (got != want) {
		fprintf(stderr, "ref: %s: sum %llu, expected %llu\n", name, (unsigned long long)got,
			(unsigned long long)want);
		exit(1);
	}
}

static void single(const char *dir, const char *map, int per_cpu)
{
	struct map_ctx c = open_map(dir, map, 0, per_cpu);
	char name[64];

	op_lookup(&c);
	if (c.value[0] != 3 * KEY + 1) {
		fprintf(stderr, "ref: %s: key %d holds %llu\n", map, KEY, (unsigned long long)c.value[0]);
		exit(1);
	}
	snprintf(name, sizeof(name), "lookup/%s", map);
	bench(name, op_lookup, &c);
	snprintf(name, sizeof(name), "update/%s", map);
	bench(name, op_update, &c);
	/* Put the filled value back (slot i of a per-CPU value holds 3k+1+i). */
	for (uint32_t i = 0; i < c.value_size / 8; i++)
		c.value[i] = 3 * KEY + 1 + i;
	if (update_elem(c.fd, &c.key, c.value, BPF_ANY))
		die("restore");
	close(c.fd);
}

static void full(const char *dir, const char *map, uint32_t entries, int is_array)
{
	struct map_ctx c = open_map(dir, map, entries, 0);
	char name[64];

	expect_sum(map, op_gnk(&c), entries);
	expect_sum(map, op_batch(&c), entries);
	snprintf(name, sizeof(name), "gnk/%s", map);
	bench(name, op_gnk, &c);
	snprintf(name, sizeof(name), "batch/%s", map);
	bench(name, op_batch, &c);
	if (is_array) {
		c.mem_len = ((size_t)entries * 8 + 4095) / 4096 * 4096;
		c.mem = mmap(NULL, c.mem_len, PROT_READ, MAP_SHARED, c.fd, 0);
		if (c.mem == MAP_FAILED)
			die("mmap");
		c.copy = malloc((size_t)entries * 8);
		if (!c.copy)
			die("malloc");
		expect_sum(map, op_keyloop(&c), entries);
		expect_sum(map, op_mmap(&c), entries);
		expect_sum(map, op_snapshot(&c), entries);
		snprintf(name, sizeof(name), "keyloop/%s", map);
		bench(name, op_keyloop, &c);
		snprintf(name, sizeof(name), "mmap/%s", map);
		bench(name, op_mmap, &c);
		snprintf(name, sizeof(name), "snapshot/%s", map);
		bench(name, op_snapshot, &c);
		munmap((void *)c.mem, c.mem_len);
	}
	close(c.fd);
}

/* ---- loader benchmarks (libbpf) ---- */

struct obj_ctx {
	const char *path;
};

static struct bpf_object *open_obj(const char *path)
{
	struct bpf_object *o = bpf_object__open_file(path, NULL);
	struct bpf_program *p;

	if (!o)
		die(path);
	/* Old free-form section names ("xdp_icmp_echo") have no type in libbpf 1.x: make them
	 * XDP, as jbpf (and libbpf before 1.0) does for sections starting with "xdp". */
	bpf_object__for_each_program(p, o)
		if (bpf_program__type(p) == BPF_PROG_TYPE_UNSPEC)
			bpf_program__set_type(p, BPF_PROG_TYPE_XDP);
	return o;
}

static uint64_t op_open_load(void *p)
{
	struct obj_ctx *c = p;
	struct bpf_object *o = open_obj(c->path);

	if (bpf_object__load(o))
		die(c->path);
	bpf_object__close(o);
	return 1;
}

static uint64_t op_open(void *p)
{
	struct obj_ctx *c = p;

	bpf_object__close(open_obj(c->path));
	return 1;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	const char *dir, *group = "all";
	int a = 1;

	for (; a < argc && strncmp(argv[a], "--", 2) == 0; a++) {
		if (strcmp(argv[a], "--quick") == 0) {
			min_ms = 100;
			runs = 5;
		} else if (strcmp(argv[a], "--group") == 0 && a + 1 < argc) {
			group = argv[++a];
		} else {
			break;
		}
	}
	if (a >= argc) {
		fprintf(stderr, "usage: ref [--quick] [--group single|full|loader|all] PINDIR [NAME=OBJ ...]\n");
		return 2;
	}
	dir = argv[a++];

	if (!strcmp(group, "single") || !strcmp(group, "all")) {
		/*
		 * Single calls cost ~0.3 us and this kind of VM stalls for longer than that now and
		 * then: more, shorter runs give a best-of figure that such stalls do not reach.
		 */
		int saved_runs = runs;
		double saved_ms = min_ms;

		runs = 3 * runs;
		min_ms = min_ms / 2;
		single(dir, "arr256", 0);
		single(dir, "hash64k", 0);
		single(dir, "pcpu256", 1);
		runs = saved_runs;
		min_ms = saved_ms;
	}
	if (!strcmp(group, "full") || !strcmp(group, "all")) {
		full(dir, "arr256", 256, 1);
		full(dir, "arr64k", 65536, 1);
		full(dir, "hash256", 256, 0);
		full(dir, "hash64k", 65536, 0);
	}
	if (strcmp(group, "loader") && strcmp(group, "all"))
		return (int)(sink & 0);

	libbpf_set_print(quiet);
	for (; a < argc; a++) {
		/* NAME=PATH names the row NAME (the JMH parameter), else the path is the name. */
		char *eq = strchr(argv[a], '=');
		struct obj_ctx c = {eq ? eq + 1 : argv[a]};
		const char *label = argv[a];
		char name[512];

		if (eq)
			*eq = '\0';
		snprintf(name, sizeof(name), "load/%s", label);
		bench(name, op_open_load, &c);
		snprintf(name, sizeof(name), "open/%s", label);
		bench(name, op_open, &c);
	}
	return (int)(sink & 0);
}
