// SPDX-License-Identifier: GPL-2.0
/*
 * Socket-level cgroup programs for CgroupIT (loader/src/test/java/io/jbpf/CgroupIT.java).
 *
 * cg_connect4 (cgroup/connect4) rewrites a connect() to redirect_from_ip:redirect_from_port
 * (set by the test, network byte order) into 127.0.0.1:redirect_to_port, so a client in the
 * cgroup reaches the test's listener through an address nothing answers on.
 * cg_sock_create (cgroup/sock_create) refuses UDP sockets (EPERM for socket()) and lets every
 * other socket be made; it counts the refusals.
 * cg_sockops (sockops) counts the TCP connections that sockets of the cgroup establish actively
 * (BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB).
 * cg_setsockopt rewrites setsockopt(IPPROTO_IP, IP_TOS, 0x04) to 0x10 and counts it;
 * cg_getsockopt counts getsockopt(IPPROTO_IP, IP_TOS) calls and leaves their result alone.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define SOCK_DGRAM 2

__u32 redirect_from_ip;
__u32 redirect_from_port;
__u32 redirect_to_port;
__u64 connects_redirected;
__u64 udp_refused;
__u64 active_established;
__u64 tos_rewritten;
__u64 tos_read;

SEC("cgroup/connect4")
int cg_connect4(struct bpf_sock_addr *ctx)
{
	if (ctx->user_ip4 == redirect_from_ip && ctx->user_port == redirect_from_port) {
		ctx->user_ip4 = bpf_htonl(0x7f000001);
		ctx->user_port = redirect_to_port;
		__sync_fetch_and_add(&connects_redirected, 1);
	}
	return 1;
}

SEC("cgroup/sock_create")
int cg_sock_create(struct bpf_sock *sk)
{
	if (sk->type == SOCK_DGRAM && sk->protocol == IPPROTO_UDP) {
		__sync_fetch_and_add(&udp_refused, 1);
		return 0;
	}
	return 1;
}

SEC("sockops")
int cg_sockops(struct bpf_sock_ops *ops)
{
	if (ops->op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB)
		__sync_fetch_and_add(&active_established, 1);
	return 1;
}

SEC("cgroup/setsockopt")
int cg_setsockopt(struct bpf_sockopt *ctx)
{
	int *val = ctx->optval;

	if (ctx->level != IPPROTO_IP || ctx->optname != IP_TOS)
		return 1;
	if ((void *)(val + 1) > ctx->optval_end)
		return 1;
	if (*val == 0x04) {
		*val = 0x10;
		__sync_fetch_and_add(&tos_rewritten, 1);
	}
	return 1;
}

SEC("cgroup/getsockopt")
int cg_getsockopt(struct bpf_sockopt *ctx)
{
	if (ctx->level == IPPROTO_IP && ctx->optname == IP_TOS)
		__sync_fetch_and_add(&tos_read, 1);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
