// SPDX-License-Identifier: GPL-2.0
/*
 * Socket maps and the program types that use them. Most of these types
 * have no BPF_PROG_TEST_RUN support, so the object is mainly a load test;
 * tc_sock_lookup gives it something runnable:
 *
 *   sk_skb_parser   SEC("sk_skb/stream_parser")   message = whole skb
 *   sk_skb_verdict  SEC("sk_skb/stream_verdict")  bpf_sk_redirect_map (SOCKMAP)
 *   sk_msg_verdict  SEC("sk_msg")                 bpf_msg_redirect_hash (SOCKHASH)
 *   reuse_select    SEC("sk_reuseport")           bpf_sk_select_reuseport
 *                                                 (REUSEPORT_SOCKARRAY)
 *   tc_sock_lookup  SEC("tc")   looks key 0 up in the SOCKMAP and SOCKHASH;
 *                   a lookup that finds a socket takes a reference, which
 *                   must be released (bpf_sk_release)
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} sock_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} sock_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_REUSEPORT_SOCKARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} reuse_socks SEC(".maps");

/* 1 = a socket was found at key 0, 0 = empty (as after load). */
__u32 map_found = 7;
__u32 hash_found = 7;

SEC("sk_skb/stream_parser")
int sk_skb_parser(struct __sk_buff *skb)
{
	return skb->len;
}

SEC("sk_skb/stream_verdict")
int sk_skb_verdict(struct __sk_buff *skb)
{
	return bpf_sk_redirect_map(skb, &sock_map, 0, 0);
}

SEC("sk_msg")
int sk_msg_verdict(struct sk_msg_md *msg)
{
	__u32 key = 0;

	return bpf_msg_redirect_hash(msg, &sock_hash, &key, BPF_F_INGRESS);
}

SEC("sk_reuseport")
int reuse_select(struct sk_reuseport_md *md)
{
	__u32 key = 0;

	if (bpf_sk_select_reuseport(md, &reuse_socks, &key, 0) == 0)
		return SK_PASS;
	return SK_DROP;
}

SEC("tc")
int tc_sock_lookup(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct bpf_sock *sk;

	sk = bpf_map_lookup_elem(&sock_map, &key);
	map_found = sk != 0;
	if (sk)
		bpf_sk_release(sk);

	sk = bpf_map_lookup_elem(&sock_hash, &key);
	hash_found = sk != 0;
	if (sk)
		bpf_sk_release(sk);
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
