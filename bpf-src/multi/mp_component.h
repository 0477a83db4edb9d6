/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The three test components of XdpMultiprogIT (mp_first.c, mp_second.c,
 * mp_third.c): each is this program with its own RANK (1, 2, 3: the order they
 * must run in) and run priority (PRIO, in .xdp_run_config as libxdp's
 * XDP_RUN_CONFIG writes it).
 *
 * They share one map, mp_order, pinned by name (/sys/fs/bpf/mp_order), that
 * proves the order they ran in per packet:
 *   [0]        the rank of the last component that ran
 *   [RANK]     how many packets this component saw
 *   [4 + RANK] how many of those it saw right after component RANK - 1 (for
 *              rank 1: every packet, as it must run first)
 * So in_order == runs for all three means every packet went 1, 2, 3.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 8);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mp_order SEC(".maps");

static __always_inline void bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&mp_order, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline int component(void)
{
	__u32 zero = 0;
	__u64 *last = bpf_map_lookup_elem(&mp_order, &zero);

	if (!last)
		return XDP_PASS;
	bump(RANK);
	if (RANK == 1 || *last == RANK - 1)
		bump(4 + RANK);
	*last = RANK;
	return XDP_PASS;
}

/* libxdp's run config: priority PRIO, the chain goes on after XDP_PASS. */
struct {
	__uint(priority, PRIO);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG_NAME SEC(".xdp_run_config");

char _license[] SEC("license") = "GPL";
