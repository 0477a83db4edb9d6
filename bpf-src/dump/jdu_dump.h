/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What jbpf dump's programs (jdu_entry.c, jdu_trace.c) send to user space before each packet's
 * bytes, through a perf buffer. io.jbpf.pcap.XdpDump reads it at these offsets: keep them in step.
 */
#ifndef JDU_DUMP_H
#define JDU_DUMP_H

#include <linux/types.h>

#define JDU_POINT_ENTRY 0
#define JDU_POINT_EXIT 1

struct jdu_meta {
	__u64 ktime_ns;   /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 pkt_len;    /* the packet's length (linear part) */
	__u32 cap_len;    /* bytes that follow, min(pkt_len, snaplen) */
	__u32 point;      /* JDU_POINT_ENTRY or JDU_POINT_EXIT */
	__u32 action;     /* exit: the XDP action the program returned */
	__u32 rx_queue;   /* entry program: the receive queue; trace programs: 0 */
	__u32 pad;
};

#endif
