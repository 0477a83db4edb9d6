// SPDX-License-Identifier: GPL-2.0
/*
 * Several programs per object and per section: two functions in the same
 * "xdp" section (the loader must split the section at the function
 * symbols and give each program only its own relocations), plus a "tc"
 * and a "socket" program. Each counts its runs in its own slot of runs[]
 * and returns a different verdict, so a test can tell them apart.
 *
 *   xdp_first      xdp      slot 0, XDP_PASS (2)
 *   xdp_second     xdp      slot 1, XDP_DROP (1)
 *   tc_third       tc       slot 2, TC_ACT_SHOT (2)
 *   socket_fourth  socket   slot 3, keeps 0 bytes (returns 0)
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} runs SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&runs, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("xdp")
int xdp_first(struct xdp_md *ctx)
{
	count(0);
	return XDP_PASS;
}

SEC("xdp")
int xdp_second(struct xdp_md *ctx)
{
	count(1);
	return XDP_DROP;
}

SEC("tc")
int tc_third(struct __sk_buff *skb)
{
	count(2);
	return TC_ACT_SHOT;
}

SEC("socket")
int socket_fourth(struct __sk_buff *skb)
{
	count(3);
	return 0;
}

char _license[] SEC("license") = "GPL";
