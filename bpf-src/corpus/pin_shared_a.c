// SPDX-License-Identifier: GPL-2.0
/*
 * Writer half of a map shared through bpffs. With
 * __uint(pinning, LIBBPF_PIN_BY_NAME) the loader looks for
 * <pin root>/<map name> (libbpf's default root: /sys/fs/bpf): if a pinned
 * map is there and its definition matches, it is reused instead of
 * created; otherwise the new map is created and pinned there.
 *
 * pin_shared_b.c declares the same map; whichever object loads second
 * shares the first one's map. The pin /sys/fs/bpf/jbpf_corpus_pin outlives
 * both objects: remove it after the test.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} jbpf_corpus_pin SEC(".maps");

/* Adds 1 at key 1 of the shared map on every run. */
SEC("xdp")
int xdp_pin_writer(struct xdp_md *ctx)
{
	__u32 key = 1;
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&jbpf_corpus_pin, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&jbpf_corpus_pin, &key, &one, BPF_NOEXIST);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
