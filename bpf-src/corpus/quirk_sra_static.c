// SPDX-License-Identifier: GPL-2.0
/*
 * A clang 14 quirk a loader meets in real code. When a static array is
 * only ever accessed at one constant index, clang's global optimiser
 * replaces it by a scalar global named "<var>.0" (here "slots.0", 4 bytes)
 * but still describes it in BTF as the whole array (16 bytes). The kernel
 * rejects that BTF ("Invalid size" in DATASEC .data).
 *
 * libbpf reacts by loading the object without BTF ("BTF is optional,
 * ignoring"): maps are created without BTF ids, programs without
 * func_info/line_info. A loader that wants to load the same objects as
 * libbpf must do the same (or fix the BTF). The program itself is simple.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __u32 slots[4] = { 1, 2, 3, 4 };

__u64 seen;

SEC("xdp")
int xdp_sra_static(struct xdp_md *ctx)
{
	/* Only slots[3] is ever touched: this is what triggers the split. */
	slots[3] += 10;
	seen = slots[3];		/* 14 after one run */
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
