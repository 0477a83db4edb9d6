// SPDX-License-Identifier: GPL-2.0
/*
 * Several programs in one object, for the ELF reader:
 *
 *   section "xdp"        -> xdp_multi_pass, xdp_multi_drop
 *   section "xdp.frags"  -> xdp_multi_frags
 *
 * Two functions share the "xdp" section, so a loader cannot treat a section
 * as one program: it has to cut the section at the function symbols
 * (st_value = start offset, st_size = length) and assign each relocation to
 * the program whose byte range contains it.
 *
 * "xdp.frags" is the libbpf convention for a multi-buffer aware XDP program:
 * it is loaded with BPF_F_XDP_HAS_FRAGS in prog_flags, which lets it attach
 * to devices whose MTU is larger than one page (jumbo frames, GRO on veth).
 *
 * All three share xdp_stats_map. Each program is self-contained: the shared
 * code is always inlined, so there are no BPF-to-BPF calls.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdp_stats.h"

SEC("xdp")
int xdp_multi_pass(struct xdp_md *ctx)
{
	return record_action(ctx, XDP_PASS);
}

SEC("xdp")
int xdp_multi_drop(struct xdp_md *ctx)
{
	return record_action(ctx, XDP_DROP);
}

/*
 * Passes everything, like xdp_multi_pass, but is allowed to see
 * multi-buffer packets. record_action() counts only the linear part of
 * such a packet in rx_bytes.
 */
SEC("xdp.frags")
int xdp_multi_frags(struct xdp_md *ctx)
{
	return record_action(ctx, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
