// SPDX-License-Identifier: GPL-2.0
/*
 * Two __kconfig externs and a map whose value holds a bpf_spin_lock. The
 * .kconfig DATASEC lists the externs in source order (CONFIG_BPF_SYSCALL,
 * CONFIG_HZ), but the kconfig layout puts the int first (CONFIG_HZ +0,
 * CONFIG_BPF_SYSCALL +4): the loader must write the DATASEC's entries back
 * in ascending offset order or the kernel refuses the object's BTF ("Invalid
 * offset"), and a spin-lock map cannot be created without BTF.
 */
#include <linux/bpf.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>

extern bool CONFIG_BPF_SYSCALL __kconfig;
extern int CONFIG_HZ __kconfig;

struct locked_val {
	struct bpf_spin_lock lock;
	__u64 n;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct locked_val);
} locked SEC(".maps");

__u64 kcfg_out;		/* 1 + CONFIG_HZ when CONFIG_BPF_SYSCALL=y */

SEC("xdp")
int xdp_kcfg_lock(struct xdp_md *ctx)
{
	__u32 k = 0;
	struct locked_val *v;

	kcfg_out = CONFIG_BPF_SYSCALL ? 1 : 0;
	kcfg_out += CONFIG_HZ;
	v = bpf_map_lookup_elem(&locked, &k);
	if (!v)
		return XDP_ABORTED;
	bpf_spin_lock(&v->lock);
	v->n++;
	bpf_spin_unlock(&v->lock);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
