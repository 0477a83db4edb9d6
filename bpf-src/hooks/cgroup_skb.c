// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup_skb programs for CgroupIT (loader/src/test/java/io/jbpf/CgroupIT.java).
 *
 * cg_count_egress counts the ICMP echo requests that sockets of the cgroup send (egress); a
 * `ping -c 5` run in the cgroup makes it exactly 5. cg_drop_ingress drops the ICMP echo replies
 * that arrive for sockets of the cgroup and counts them, so the ping there gets no answer.
 * cg_tag1/2/3 append their number to `order` for each echo request: the test reads the order in
 * which several programs on one cgroup ran (multi-attach, replace, override, link update).
 * Only IPv4 is looked at; every other packet passes untouched.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8
#define ORDER_LEN 16

__u64 egress_echo_requests;
__u64 ingress_dropped_replies;
__u32 order_len;
__u32 order[ORDER_LEN];

/* The ICMP type of an IPv4 ICMP packet, or -1. cgroup_skb data starts at the IP header. */
static __always_inline int icmp_type(struct __sk_buff *skb)
{
	__u8 vihl, proto, type;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return -1;
	if (bpf_skb_load_bytes(skb, 0, &vihl, 1) || bpf_skb_load_bytes(skb, 9, &proto, 1))
		return -1;
	if (proto != IPPROTO_ICMP)
		return -1;
	if (bpf_skb_load_bytes(skb, (vihl & 0xf) * 4, &type, 1))
		return -1;
	return type;
}

static __always_inline void tag(struct __sk_buff *skb, __u32 n)
{
	__u32 i = order_len;

	if (icmp_type(skb) != ICMP_ECHO)
		return;
	if (i < ORDER_LEN)
		order[i] = n;
	order_len = i + 1;
}

SEC("cgroup_skb/egress")
int cg_count_egress(struct __sk_buff *skb)
{
	if (icmp_type(skb) == ICMP_ECHO)
		__sync_fetch_and_add(&egress_echo_requests, 1);
	return 1;
}

SEC("cgroup_skb/ingress")
int cg_drop_ingress(struct __sk_buff *skb)
{
	if (icmp_type(skb) == ICMP_ECHOREPLY) {
		__sync_fetch_and_add(&ingress_dropped_replies, 1);
		return 0;
	}
	return 1;
}

SEC("cgroup_skb/egress")
int cg_tag1(struct __sk_buff *skb)
{
	tag(skb, 1);
	return 1;
}

SEC("cgroup_skb/egress")
int cg_tag2(struct __sk_buff *skb)
{
	tag(skb, 2);
	return 1;
}

SEC("cgroup_skb/egress")
int cg_tag3(struct __sk_buff *skb)
{
	tag(skb, 3);
	return 1;
}

/* No expected attach type in the section: attaching needs an explicit AttachType. */
SEC("cgroup/skb")
int cg_untyped(struct __sk_buff *skb)
{
	tag(skb, 9);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
