// SPDX-License-Identifier: GPL-2.0
/*
 * Declares the pinned map of pin_shared_a.c / pin_shared_b.c with an
 * INCOMPATIBLE definition (u32 values instead of u64). Loaded while
 * /sys/fs/bpf/jbpf_corpus_pin exists (created by pin_shared_a or _b), the
 * loader must refuse to reuse the pinned map and fail the load; libbpf
 * says "couldn't reuse pinned map at '/sys/fs/bpf/jbpf_corpus_pin':
 * parameter mismatch". Loaded alone it works (and pins its own map there).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} jbpf_corpus_pin SEC(".maps");

SEC("xdp")
int xdp_pin_incompat(struct xdp_md *ctx)
{
	__u32 key = 1, val = 1;

	bpf_map_update_elem(&jbpf_corpus_pin, &key, &val, BPF_ANY);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
