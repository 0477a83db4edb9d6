// SPDX-License-Identifier: GPL-2.0
/*
 * Reader half of the map shared through bpffs (see pin_shared_a.c): the
 * same name and the same definition, so loading this after pin_shared_a
 * reuses /sys/fs/bpf/jbpf_corpus_pin. tc_pin_reader copies key 1 into the
 * .bss variable shared_seen, so the test sees what pin_shared_a wrote.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} jbpf_corpus_pin SEC(".maps");

__u64 shared_seen;

SEC("tc")
int tc_pin_reader(struct __sk_buff *skb)
{
	__u32 key = 1;
	__u64 *v = bpf_map_lookup_elem(&jbpf_corpus_pin, &key);

	shared_seen = v ? *v : 0;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
