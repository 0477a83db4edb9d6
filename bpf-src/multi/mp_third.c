// SPDX-License-Identifier: GPL-2.0
/* XdpMultiprogIT's component of rank 3, run priority 50: see mp_component.h. */
#define RANK 3
#define PRIO 50
#define XDP_RUN_CONFIG_NAME _mp_third
#include "mp_component.h"

SEC("xdp")
int mp_third(struct xdp_md *ctx)
{
	return component();
}
