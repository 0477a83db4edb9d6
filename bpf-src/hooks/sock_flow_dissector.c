// flow_dissector program that dissects IPv4 (addresses and protocol) like the kernel would and
// counts the ICMP packets it dissects in icmp_seen. Used by NetnsLinkIT (RPS in a test netns makes
// the kernel dissect every received packet).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

__u64 icmp_seen = 0;

SEC("flow_dissector")
int dissect_count(struct __sk_buff *skb)
{
    struct bpf_flow_keys *keys = skb->flow_keys;
    struct iphdr ip;

    if (keys->n_proto != bpf_htons(ETH_P_IP))
        return BPF_DROP;
    if (bpf_skb_load_bytes(skb, keys->nhoff, &ip, sizeof(ip)) != 0)
        return BPF_DROP;
    keys->addr_proto = ETH_P_IP;
    keys->ipv4_src = ip.saddr;
    keys->ipv4_dst = ip.daddr;
    keys->ip_proto = ip.protocol;
    keys->thoff = keys->nhoff + ip.ihl * 4;
    if (ip.protocol == IPPROTO_ICMP)
        __sync_fetch_and_add(&icmp_seen, 1);
    return BPF_OK;
}

char _license[] SEC("license") = "GPL";
