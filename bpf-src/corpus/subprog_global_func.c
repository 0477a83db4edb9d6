// SPDX-License-Identifier: GPL-2.0
/*
 * Global (non-static) BPF functions. The kernel verifies a global function
 * once, on its own, assuming nothing about its arguments beyond their BTF
 * types, so it needs the program's BTF with func_info: a loader that drops
 * .BTF.ext func_info makes this object fail to load ("Global function ...
 * doesn't return scalar" / "missing btf func_info").
 *
 *   global_scale(int)            global, scalar argument, calls a static
 *   global_pkt_len(__sk_buff *)  global, context-pointer argument
 *   hidden_add(int, int)         __hidden: global in ELF, but libbpf
 *                                treats it as static (verified with the
 *                                caller's knowledge of the arguments)
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 glob_out[4];

static __noinline int twice(int x)
{
	return x * 2;
}

__noinline int global_scale(int x)
{
	/* x may be anything here: clamp it so the result is bounded. */
	if (x < 0)
		x = -x;
	if (x > 1000)
		x = 1000;
	return twice(x) + 1;
}

__noinline int global_pkt_len(struct __sk_buff *skb)
{
	/* The verifier knows skb is the context from the BTF type. */
	return skb->len;
}

__hidden __noinline int hidden_add(int a, int b)
{
	return a + b;
}

SEC("socket")
int socket_global_funcs(struct __sk_buff *skb)
{
	int len = global_pkt_len(skb);

	glob_out[0] = global_scale(len);
	glob_out[1] = global_scale(-5000);	/* clamped: 2 * 1000 + 1 */
	glob_out[2] = hidden_add(len, 1000);
	glob_out[3] = len;
	/* A socket filter returns how many bytes to keep: keep all. */
	return len;
}

char _license[] SEC("license") = "GPL";
