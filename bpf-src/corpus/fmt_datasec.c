// SPDX-License-Identifier: GPL-2.0
/*
 * Global data whose map dump shows each variable by name (the .data, .bss
 * and .rodata DATASECs name them), with signed bitfields and signed values
 * that must print negative. The program copies .rodata into .bss so one run
 * fills every section with known values.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bits {
	int sbf : 4;		/* -1 */
	unsigned int ubf : 4;	/* 15 */
	long long sbf40 : 40;	/* -5 */
};

int fmt_counter = -7;			/* .data */
char fmt_label[8] = "jbpf";		/* .data */
const volatile int fmt_limit = -42;	/* .rodata */
struct bits fmt_bits;			/* .bss */
long fmt_runs;				/* .bss */

SEC("xdp")
int xdp_fmt_datasec(struct xdp_md *ctx)
{
	fmt_bits.sbf = -1;
	fmt_bits.ubf = 15;
	fmt_bits.sbf40 = -5;
	fmt_runs += 1;
	fmt_counter += fmt_limit;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
