// SPDX-License-Identifier: GPL-2.0
/*
 * BLOOM_FILTER: no key; the number of hash functions is passed in the
 * create attribute map_extra (here 3, from __uint(map_extra, 3)).
 * BPF_F_ZERO_SEED makes the hashing deterministic, so the "not present"
 * answer below does not depend on a random seed.
 *
 * One run adds 10, 20 and 30, then asks for 20 (present: 0) and 99
 * (absent: -ENOENT = -2).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 64);
	__uint(map_extra, 3);
	__uint(map_flags, BPF_F_ZERO_SEED);
	__type(value, __u32);
} seen_values SEC(".maps");

long push_ret = -1;
long peek_present = -1;
long peek_absent = -1;

SEC("xdp")
int xdp_bloom(struct xdp_md *ctx)
{
	__u32 v;

	v = 10;
	push_ret = bpf_map_push_elem(&seen_values, &v, BPF_ANY);
	v = 20;
	bpf_map_push_elem(&seen_values, &v, BPF_ANY);
	v = 30;
	bpf_map_push_elem(&seen_values, &v, BPF_ANY);

	v = 20;
	peek_present = bpf_map_peek_elem(&seen_values, &v);
	v = 99;
	peek_absent = bpf_map_peek_elem(&seen_values, &v);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
