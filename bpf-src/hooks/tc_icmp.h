// SPDX-License-Identifier: GPL-2.0
/*
 * Shared by the tc_*.c hook programs: finds an IPv4 ICMP echo request (what `ping` sends) between
 * two packet pointers, so each test counts exactly the pings it sent and nothing else (ARP, IPv6
 * neighbour discovery and replies pass uncounted).
 */
#ifndef JBPF_TC_ICMP_H
#define JBPF_TC_ICMP_H

#include <linux/in.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/icmp.h>
#include <bpf/bpf_endian.h>

static __always_inline int is_echo_request(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->protocol != IPPROTO_ICMP || ip->ihl < 5)
		return 0;
	struct icmphdr *icmp = (void *)ip + ip->ihl * 4;
	if ((void *)(icmp + 1) > data_end)
		return 0;
	return icmp->type == ICMP_ECHO;
}

#endif
