// SPDX-License-Identifier: GPL-2.0
/* XdpMultiprogIT's component of rank 2, run priority 40: see mp_component.h. */
#define RANK 2
#define PRIO 40
#define XDP_RUN_CONFIG_NAME _mp_second
#include "mp_component.h"

SEC("xdp")
int mp_second(struct xdp_md *ctx)
{
	return component();
}
