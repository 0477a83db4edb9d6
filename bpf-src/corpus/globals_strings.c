// SPDX-License-Identifier: GPL-2.0
/*
 * String constants, the three ways a BPF C file ends up with them:
 *
 *   corpus_name[]      a named const array: an ordinary .rodata variable
 *   "PING"             string literals passed by address: clang puts them
 *   "%s len=%u"        in the mergeable-strings section .rodata.str1.1,
 *                      which has no BTF variables at all; libbpf still
 *                      turns it into its own read-only internal map
 *
 * bpf_strncmp() and bpf_snprintf() insist that their string/format argument
 * sits in a frozen read-only map, so the program only verifies if the
 * loader turned .rodata and .rodata.str1.1 into frozen maps and pointed the
 * ld_imm64 instructions at them (with the literal's offset in the section).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const char corpus_name[] = "jbpf-corpus";

/* Results, in .bss, for the test to read back. */
char msg[32];		/* bpf_snprintf output */
long fmt_ret;		/* bpf_snprintf return: bytes written incl. NUL */
long ping_cmp;		/* bpf_strncmp(payload, 4, "PING") */
long name_cmp;		/* bpf_strncmp(payload + 4, 4, corpus_name) */

SEC("xdp")
int xdp_strings(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	char word[8];
	__u64 args[2];

	/* The 8 bytes right after the 14-byte Ethernet header. */
	if (data + 14 + sizeof(word) > data_end)
		return XDP_ABORTED;
	__builtin_memcpy(word, data + 14, sizeof(word));

	ping_cmp = bpf_strncmp(word, 4, "PING");
	/* Compare bytes 4..7 with the start of corpus_name ("jbpf"). */
	name_cmp = bpf_strncmp(word + 4, 4, corpus_name);

	/* %s reads the string through the pointer, here into .rodata. */
	args[0] = (__u64)(long)corpus_name;
	args[1] = data_end - data;
	fmt_ret = bpf_snprintf(msg, sizeof(msg), "%s len=%u", args, sizeof(args));

	/* A packet starting with "PING" is dropped, anything else passes. */
	return ping_cmp == 0 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
