// SPDX-License-Identifier: GPL-2.0
/* XdpMultiprogIT's component of rank 1, run priority 30: see mp_component.h. */
#define RANK 1
#define PRIO 30
#define XDP_RUN_CONFIG_NAME _mp_first
#include "mp_component.h"

SEC("xdp")
int mp_first(struct xdp_md *ctx)
{
	return component();
}
