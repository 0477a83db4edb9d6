// SPDX-License-Identifier: GPL-2.0
/*
 * Simplest useful XDP program: let every packet through, counted.
 *
 * Besides being a smoke test for the loader, testenv attaches it to the
 * peer end (veth0) of each test pair: on veth, frames sent with XDP_TX by
 * the other end are only delivered when the receiving veth also has an XDP
 * program attached (it enables veth's NAPI/XDP receive path).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdp_stats.h"

SEC("xdp")
int xdp_pass_func(struct xdp_md *ctx)
{
	return record_action(ctx, XDP_PASS);
}

/* GPL so that GPL-only helpers stay usable; the kernel reads this from the
 * "license" section and the loader passes it to BPF_PROG_LOAD. */
char _license[] SEC("license") = "GPL";
