// SPDX-License-Identifier: GPL-2.0
/*
 * Globals in custom data sections. libbpf (and so skeletons) gives every
 * ".data.<name>" and ".rodata.<name>" section an internal map of its own,
 * named after the section, in addition to the plain .data/.rodata/.bss
 * maps. Used e.g. to size a big buffer separately or to keep per-purpose
 * config apart. (".bss.<name>" is in globals_custom_bss.c: libbpf 1.1
 * does not accept it.)
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

/* Writable, initialised: map ".data.mine". */
__u32 mine_counter SEC(".data.mine") = 5;
__u64 mine_hist[4] SEC(".data.mine") = { 1, 2, 3, 4 };

/* Read-only config in its own section: map ".rodata.mine" (frozen). */
const volatile __u32 mine_limit SEC(".rodata.mine") = 9;

/* Plain .bss. */
__u32 plain_runs;
__u64 mine_product;

SEC("tc")
int tc_custom_sections(struct __sk_buff *skb)
{
	plain_runs++;
	mine_counter++;				/* 5 -> 6 */
	mine_product = mine_counter * mine_limit;	/* 6 * 9 = 54 */
	mine_hist[2] += 100;			/* 3 -> 103: non-zero offset */
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
