// SPDX-License-Identifier: GPL-2.0
/*
 * SK_STORAGE from a tc program. BPF_PROG_TEST_RUN gives a tc program's skb
 * a dummy socket, so skb->sk -> bpf_sk_fullsock -> bpf_sk_storage_get
 * works in a test run; the storage dies with that socket at the end of the
 * run, so every run starts from zero.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct sk_info {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sk_info);
} sk_stats SEC(".maps");

/* 0 after a successful run; 1 no skb->sk, 2 not a full socket, 3 no storage */
__u32 sk_status = 9;
__u64 sk_bytes;

SEC("tc")
int tc_sk_storage(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct sk_info *info;

	if (!sk) {
		sk_status = 1;
		return TC_ACT_OK;
	}
	sk = bpf_sk_fullsock(sk);
	if (!sk) {
		sk_status = 2;
		return TC_ACT_OK;
	}
	info = bpf_sk_storage_get(&sk_stats, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!info) {
		sk_status = 3;
		return TC_ACT_OK;
	}
	info->packets++;
	info->bytes += skb->len;
	sk_bytes = info->bytes;
	sk_status = 0;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
