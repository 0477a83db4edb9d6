// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_icmp_echo with its xdp_stats_map declared LIBBPF_PIN_BY_NAME, as the
 * xdp-tutorial's lesson objects declare theirs: the loader pins the map
 * under its pin path (jbpf load --pin-path, default /sys/fs/bpf) or reuses
 * the map already pinned there. testenv.sh load passes a pin directory of
 * the environment's own, on the host's bpffs.
 */
/* Expanded inside xdp_stats.h's map, after bpf_helpers.h has defined the enum. */
#define XDP_STATS_PIN_MEMBER __uint(pinning, LIBBPF_PIN_BY_NAME);
#include "xdp_icmp_echo.c"
