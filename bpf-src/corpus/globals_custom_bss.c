// SPDX-License-Identifier: GPL-2.0
/*
 * A zero-initialised global in a custom ".bss.<name>" section. clang makes
 * the section SHT_NOBITS, like .bss. Recent libbpf gives it its own internal
 * map (".bss.big"), as it does for ".data.<name>"; libbpf 1.1 (bpftool 7.1)
 * skips the section and then fails with "bad map relo against 'big_buf'".
 * The loader should accept it like recent libbpf.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* A buffer that would bloat .bss if it lived there. */
__u64 big_buf[64] SEC(".bss.big");
__u64 small_runs;

SEC("xdp")
int xdp_custom_bss(struct xdp_md *ctx)
{
	small_runs++;
	big_buf[0] += 1;
	big_buf[63] = 0x6363;		/* last slot: offset 504 */
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
