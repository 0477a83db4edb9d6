// SPDX-License-Identifier: GPL-2.0
/*
 * Array map types and the creation flags/attributes that only matter at
 * BPF_MAP_CREATE time:
 *
 *   a_plain        ARRAY
 *   a_percpu       PERCPU_ARRAY
 *   a_mmap         ARRAY, BPF_F_MMAPABLE (user space may mmap the values)
 *   a_numa         ARRAY, BPF_F_NUMA_NODE with numa_node = 0 (the loader
 *                  must pass numa_node in the create attributes)
 *   a_rdonly_prog  ARRAY, BPF_F_RDONLY_PROG: the program may only read it;
 *                  user space writes it
 *   a_wronly_prog  ARRAY, BPF_F_WRONLY_PROG: the program may only write it;
 *                  user space reads it
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define ARRAY_MAP(name, map_type, flags)			\
	struct {						\
		__uint(type, map_type);				\
		__uint(max_entries, 4);				\
		__uint(map_flags, flags);			\
		__type(key, __u32);				\
		__type(value, __u64);				\
	} name SEC(".maps")

ARRAY_MAP(a_plain, BPF_MAP_TYPE_ARRAY, 0);
ARRAY_MAP(a_percpu, BPF_MAP_TYPE_PERCPU_ARRAY, 0);
ARRAY_MAP(a_mmap, BPF_MAP_TYPE_ARRAY, BPF_F_MMAPABLE);
ARRAY_MAP(a_rdonly_prog, BPF_MAP_TYPE_ARRAY, BPF_F_RDONLY_PROG);
ARRAY_MAP(a_wronly_prog, BPF_MAP_TYPE_ARRAY, BPF_F_WRONLY_PROG);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__uint(map_flags, BPF_F_NUMA_NODE);
	__uint(numa_node, 0);
	__type(key, __u32);
	__type(value, __u64);
} a_numa SEC(".maps");

static __always_inline void set(void *map, __u32 key, __u64 val)
{
	bpf_map_update_elem(map, &key, &val, BPF_ANY);
}

SEC("xdp")
int xdp_array_family(struct xdp_md *ctx)
{
	__u32 k0 = 0, k1 = 1;
	__u64 *v, in = 0;

	set(&a_plain, 1, 11);
	v = bpf_map_lookup_elem(&a_percpu, &k1);
	if (v)
		*v += 1;		/* per CPU: no atomic needed */
	set(&a_mmap, 2, 22);
	set(&a_numa, 3, 33);

	/* Read what user space put in a_rdonly_prog[0] ... */
	v = bpf_map_lookup_elem(&a_rdonly_prog, &k0);
	if (v)
		in = *v;
	/* ... and report twice that through the write-only map. */
	set(&a_wronly_prog, 0, in * 2);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
