// SPDX-License-Identifier: GPL-2.0
/*
 * xdp-tutorial packet03-redirecting, jbpf's own programs (XdpTutorialRedirectIT walks them).
 *
 *   xdp_icmp_echo     answers ICMP and ICMPv6 echo requests itself (XDP_TX): MACs and IPs
 *                     swapped, type changed, checksum updated.  t setup --no-echo; t ping
 *   xdp_redirect      sends every IP packet out of one other interface (bpf_redirect), with the
 *                     destination MAC user space wrote into redirect_cfg (ifindex + MAC)
 *   xdp_redirect_map  the same through a devmap: tx_port[0] is the egress device and
 *                     redirect_params maps a source MAC to the destination MAC to write
 *   xdp_router        forwards IPv4 and IPv6 with bpf_fib_lookup (the kernel's routes and
 *                     neighbours), decrementing TTL/hop limit, and bpf_redirect to the egress device
 *   xdp_pass          passes everything (for the other end of a redirect)
 *
 * ARP and IPv6 neighbour discovery always go to the kernel (XDP_PASS): the peers must resolve
 * their gateway on their own link for the redirected traffic to flow. Every verdict is counted in
 * xdp_stats_map (t stats).
 *
 * The section names are the tutorial's old free-form ones: t load -- -F --progsec xdp_redirect.
 * In this directory (its object is the lesson's: t load finds xdp_prog_kern.o), with two
 * environments whose XDP ends share one netns:
 *
 *   t setup -n left --legacy-ip; t setup -n right --beside left --legacy-ip
 *   t status -n right                    (each end's ifindex and MAC)
 *   t load -n left -- -F --progsec xdp_redirect_map --pin-maps
 *   t load -n right -- -F --progsec xdp_redirect_map --pin-maps
 *   t exec-xdp -n left -- jbpf map update pinned /sys/fs/bpf/jbpf-testenv-left/tx_port key 0 value RIGHT_IFINDEX
 *   t exec-xdp -n left -- jbpf map update pinned /sys/fs/bpf/jbpf-testenv-left/redirect_params \
 *       key addr=LEFT_PEER_MAC value addr=RIGHT_PEER_MAC
 *   (the same on right, the other way round), then
 *   t exec -n left -- ping RIGHT_PEER_ADDRESS
 *
 * xdp_redirect: jbpf map update pinned .../redirect_cfg key 0 value ifindex=RIGHT_IFINDEX dst_mac=RIGHT_PEER_MAC.
 * xdp_router: t exec-xdp -n left -- sysctl -w net.ipv4.conf.all.forwarding=1 net.ipv6.conf.all.forwarding=1,
 * then t load -- -F --progsec xdp_router on both; t stats shows the forwarded packets as XDP_REDIRECT.
 */
#include "packet03_helpers.h"
#include "xdp_stats_kern.h"

/* xdp_redirect's configuration, written from user space (jbpf map update ... redirect_cfg). */
struct redirect_cfg {
	__u32 ifindex;		/* egress device; 0: not configured, pass everything */
	__u8 dst_mac[ETH_ALEN];	/* written as the frames' destination MAC */
	__u8 pad[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct redirect_cfg);
	__uint(max_entries, 1);
} redirect_cfg SEC(".maps");

/*
 * xdp_redirect_map's egress device: key 0 -> ifindex. A devmap holds devices, not numbers: the
 * kernel looks the ifindex up when user space writes it, in the writer's network namespace, so
 * write it from the XDP end's netns (t exec-xdp -- jbpf map update ...), not from the host's.
 */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} tx_port SEC(".maps");

struct mac {
	__u8 addr[ETH_ALEN];
};

/* xdp_redirect_map's MAC pairs: source MAC of a frame -> destination MAC to give it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct mac);
	__type(value, struct mac);
	__uint(max_entries, 64);
} redirect_params SEC(".maps");

SEC("xdp_icmp_echo")
int xdp_icmp_echo_func(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct p03_frame f;
	__u16 old, new;

	if (p03_parse(ctx, &f) < 0 || !f.l4)
		return xdp_stats_record_action(ctx, XDP_PASS);
	if (f.ip4 && f.proto == IPPROTO_ICMP) {
		struct icmphdr *icmp = f.l4;
		__be32 tmp;

		if ((void *)(icmp + 1) > data_end || icmp->type != ICMP_ECHO ||
		    (f.ip4->frag_off & bpf_htons(P03_IP_MF)))
			return xdp_stats_record_action(ctx, XDP_PASS);
		/* Swapped addresses keep the IPv4 header checksum (same words, other order). */
		tmp = f.ip4->saddr;
		f.ip4->saddr = f.ip4->daddr;
		f.ip4->daddr = tmp;
		/* type is the high byte of the first ICMP word, code (0) the low one */
		old = *(__u16 *)icmp;
		icmp->type = ICMP_ECHOREPLY;
		new = *(__u16 *)icmp;
		icmp->checksum = csum_replace16(icmp->checksum, old, new);
	} else if (f.ip6 && f.proto == IPPROTO_ICMPV6) {
		struct icmp6hdr *icmp6 = f.l4;
		struct in6_addr tmp;

		if ((void *)(icmp6 + 1) > data_end || icmp6->icmp6_type != ICMPV6_ECHO_REQUEST)
			return xdp_stats_record_action(ctx, XDP_PASS);
		/* The pseudo header sums both addresses: swapping them keeps the ICMPv6 checksum. */
		tmp = f.ip6->saddr;
		f.ip6->saddr = f.ip6->daddr;
		f.ip6->daddr = tmp;
		old = *(__u16 *)icmp6;
		icmp6->icmp6_type = ICMPV6_ECHO_REPLY;
		new = *(__u16 *)icmp6;
		icmp6->icmp6_cksum = csum_replace16(icmp6->icmp6_cksum, old, new);
	} else {
		return xdp_stats_record_action(ctx, XDP_PASS);
	}
	p03_swap_macs(f.eth);
	return xdp_stats_record_action(ctx, XDP_TX);
}

SEC("xdp_redirect")
int xdp_redirect_func(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct redirect_cfg *cfg;
	struct p03_frame f;
	__u32 key = 0;

	if (p03_parse(ctx, &f) < 0 || p03_is_nd(&f, data_end))
		return xdp_stats_record_action(ctx, XDP_PASS);
	cfg = bpf_map_lookup_elem(&redirect_cfg, &key);
	if (!cfg || !cfg->ifindex)
		return xdp_stats_record_action(ctx, XDP_PASS);
	__builtin_memcpy(f.eth->h_dest, cfg->dst_mac, ETH_ALEN);
	/* XDP_REDIRECT, or XDP_ABORTED if the flags were wrong: the redirect itself happens after return. */
	return xdp_stats_record_action(ctx, bpf_redirect(cfg->ifindex, 0));
}

SEC("xdp_redirect_map")
int xdp_redirect_map_func(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct p03_frame f;
	struct mac *dst;
	struct mac src;

	if (p03_parse(ctx, &f) < 0 || p03_is_nd(&f, data_end))
		return xdp_stats_record_action(ctx, XDP_PASS);
	__builtin_memcpy(src.addr, f.eth->h_source, ETH_ALEN);
	dst = bpf_map_lookup_elem(&redirect_params, &src);
	if (!dst)
		return xdp_stats_record_action(ctx, XDP_PASS);
	__builtin_memcpy(f.eth->h_dest, dst->addr, ETH_ALEN);
	/* XDP_PASS if tx_port[0] is empty: the packet then goes to the kernel as if not here. */
	return xdp_stats_record_action(ctx, bpf_redirect_map(&tx_port, 0, XDP_PASS));
}

SEC("xdp_router")
int xdp_router_func(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct bpf_fib_lookup fib = {};
	struct p03_frame f;
	long rc;

	if (p03_parse(ctx, &f) < 0)
		return xdp_stats_record_action(ctx, XDP_PASS);
	if (f.ip4) {
		/* The kernel answers TTL expiry (ICMP time exceeded); also IP options. */
		if (f.ip4->ttl <= 1 || f.ip4->ihl != 5)
			return xdp_stats_record_action(ctx, XDP_PASS);
		fib.family = AF_INET;
		fib.tos = f.ip4->tos;
		fib.l4_protocol = f.ip4->protocol;
		fib.tot_len = bpf_ntohs(f.ip4->tot_len);
		fib.ipv4_src = f.ip4->saddr;
		fib.ipv4_dst = f.ip4->daddr;
	} else {
		if (f.ip6->hop_limit <= 1 || p03_is_nd(&f, data_end))
			return xdp_stats_record_action(ctx, XDP_PASS);
		fib.family = AF_INET6;
		fib.flowinfo = *(__be32 *)f.ip6 & bpf_htonl(0x0fffffff);
		fib.l4_protocol = f.ip6->nexthdr;
		fib.tot_len = bpf_ntohs(f.ip6->payload_len);
		__builtin_memcpy(fib.ipv6_src, &f.ip6->saddr, sizeof(fib.ipv6_src));
		__builtin_memcpy(fib.ipv6_dst, &f.ip6->daddr, sizeof(fib.ipv6_dst));
	}
	fib.ifindex = ctx->ingress_ifindex;

	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS:
		/* Forwarded here: the kernel would do these two steps itself. */
		if (f.ip4)
			p03_ip4_decrease_ttl(f.ip4);
		else
			f.ip6->hop_limit--;
		__builtin_memcpy(f.eth->h_dest, fib.dmac, ETH_ALEN);
		__builtin_memcpy(f.eth->h_source, fib.smac, ETH_ALEN);
		return xdp_stats_record_action(ctx, bpf_redirect(fib.ifindex, 0));
	case BPF_FIB_LKUP_RET_BLACKHOLE:
	case BPF_FIB_LKUP_RET_UNREACHABLE:
	case BPF_FIB_LKUP_RET_PROHIBIT:
		return xdp_stats_record_action(ctx, XDP_DROP);
	default:
		/* Local delivery (not forwarded), no neighbour entry yet, forwarding off, ...:
		 * the kernel handles it (and resolves the neighbour for the next packet). */
		return xdp_stats_record_action(ctx, XDP_PASS);
	}
}

SEC("xdp_pass")
int xdp_pass_func(struct xdp_md *ctx)
{
	return xdp_stats_record_action(ctx, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
