// SPDX-License-Identifier: GPL-2.0
/*
 * xdp-tutorial tracing03-xdp-debug-print, jbpf's own program (XdpTutorialTracingIT walks it):
 * bpf_printk of packet fields, read from the kernel's trace pipe.
 *
 *   xdp_print_func (SEC "xdp")  prints one line per ICMP/ICMPv6 echo request (source address,
 *                               echo id and sequence number) and one per other frame (its
 *                               EtherType and length), then passes it
 *
 *   t load -- -F --progsec xdp
 *   jbpf prog tracelog            (bpftool prog tracelog; cat /sys/kernel/tracing/trace_pipe)
 *   t ping -c 3                   in another shell
 *
 * The trace pipe is one for the whole machine and gives each line to one reader only.
 */
#include "packet03_helpers.h"

SEC("xdp")
int xdp_print_func(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct p03_frame f;

	if (p03_parse(ctx, &f) < 0 || !f.l4) {
		if ((void *)(f.eth + 1) <= data_end)
			bpf_printk("xdp frame proto 0x%04x len %d", bpf_ntohs(f.eth->h_proto), (int)(data_end - data));
		return XDP_PASS;
	}
	if (f.ip4 && f.proto == IPPROTO_ICMP) {
		struct icmphdr *icmp = f.l4;

		if ((void *)(icmp + 1) <= data_end && icmp->type == ICMP_ECHO) {
			/* %pI4 prints an IPv4 address; bpf_printk takes at most three arguments. */
			bpf_printk("xdp echo request from %pI4 id %d seq %d", &f.ip4->saddr,
				   bpf_ntohs(icmp->un.echo.id), bpf_ntohs(icmp->un.echo.sequence));
			return XDP_PASS;
		}
	} else if (f.ip6 && f.proto == IPPROTO_ICMPV6) {
		struct icmp6hdr *icmp6 = f.l4;

		if ((void *)(icmp6 + 1) <= data_end && icmp6->icmp6_type == ICMPV6_ECHO_REQUEST) {
			bpf_printk("xdp echo request from %pI6 id %d seq %d", &f.ip6->saddr,
				   bpf_ntohs(icmp6->icmp6_identifier), bpf_ntohs(icmp6->icmp6_sequence));
			return XDP_PASS;
		}
	}
	bpf_printk("xdp frame proto 0x%04x len %d", bpf_ntohs(f.eth->h_proto), (int)(data_end - data));
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
