// SPDX-License-Identifier: GPL-2.0
/*
 * ERROR CASE: a global variable in a section that is neither a program
 * nor a data section libbpf knows (".data*", ".rodata*", ".bss", ".maps",
 * ".kconfig", ".ksyms"): "jbpf_odd". The program's ld_imm64 of its address
 * gets an R_BPF_64_64 relocation against a symbol in that section, which
 * no map backs. libbpf: "bad map relo against 'odd_var' in section
 * 'jbpf_odd'". The loader should fail the same way rather than leave the
 * instruction pointing at address 0.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int odd_var SEC("jbpf_odd") = 1;

SEC("xdp")
int xdp_nonmap_reloc(struct xdp_md *ctx)
{
	return odd_var ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
