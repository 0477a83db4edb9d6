// SPDX-License-Identifier: GPL-2.0
/*
 * Map keys and values with the shapes Java records are matched against
 * (RecordCodec): a struct key with padding-free small integers, a value
 * with a nested struct, byte and u32 arrays and a signed member, and a
 * value with a bitfield (which records refuse). One run of the program
 * writes known contents, so a test can read them back typed.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow_key {
	__u32 ifindex;
	__u16 port;
	__u8 proto;
	__u8 pad;
};

struct inner {
	__u32 a;
	__s32 b;
};

struct flow_stats {
	__u64 packets;
	struct inner in;
	__u8 mac[6];
	__u16 flags;
	__u32 hist[4];
};

struct with_bits {
	__u32 low : 4;
	__u32 high : 28;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
	__uint(max_entries, 16);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct with_bits);
	__uint(max_entries, 1);
} bits SEC(".maps");

SEC("xdp")
int xdp_records(struct xdp_md *ctx)
{
	struct flow_key k = { .ifindex = 7, .port = 53, .proto = 17 };
	struct flow_stats *v, init = {
		.in = { .a = 0xdeadbeef, .b = -5 },
		.mac = { 1, 2, 3, 4, 5, 6 },
		.flags = 0x102,
		.hist = { 1, 2, 3, 4 },
	};

	v = bpf_map_lookup_elem(&flows, &k);
	if (!v) {
		bpf_map_update_elem(&flows, &k, &init, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&flows, &k);
		if (!v)
			return XDP_ABORTED;
	}
	__sync_fetch_and_add(&v->packets, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
