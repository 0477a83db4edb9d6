// SPDX-License-Identifier: GPL-2.0
/*
 * Programs of several types and a map with BTF-typed key and value, for the CLI's
 * listing commands (loader/src/test/java/io/jbpf/cli/CliInspectIT.java): jbpf prog/map/link
 * list, net and cgroup tree are cross-checked against bpftool with these attached (XDP on a
 * test veth, cgroup_skb on a test cgroup, the flow dissector in a test netns, the tracepoint),
 * and jbpf map update/lookup round-trips typed values through cli_typed. The programs only
 * pass packets and count; what they do is not under test.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum cli_color { CLI_RED = 1, CLI_GREEN = 2 };

struct cli_key {
	__u32 addr;
	__u16 port;
	__u16 proto;
};

struct cli_value {
	__u64 packets;
	char name[8];
	enum cli_color color;
	__s32 delta;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct cli_key);
	__type(value, struct cli_value);
} cli_typed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} cli_hits SEC(".maps");

static __always_inline void hit(__u32 i)
{
	__u64 *v = bpf_map_lookup_elem(&cli_hits, &i);
	if (v)
		*v += 1;
}

SEC("xdp")
int cli_xdp(struct xdp_md *ctx)
{
	hit(0);
	return XDP_PASS;
}

SEC("cgroup_skb/egress")
int cli_cg_egress(struct __sk_buff *skb)
{
	hit(1);
	return 1;
}

SEC("flow_dissector")
int cli_dissect(struct __sk_buff *skb)
{
	hit(2);
	return BPF_FLOW_DISSECTOR_CONTINUE;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int cli_tp(void *ctx)
{
	hit(3);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
