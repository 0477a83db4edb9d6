// lwt_xmit program for a route with BPF encap: counts the packets routed through it in xmitted
// and drops them. Also an lwt_in and an lwt_out program that pass everything (encoder coverage of
// all three slots). Used by LwtRouteIT.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 xmitted = 0;

SEC("lwt_xmit")
int lwt_drop(struct __sk_buff *skb)
{
    __sync_fetch_and_add(&xmitted, 1);
    return BPF_DROP;
}

SEC("lwt_in")
int lwt_in_pass(struct __sk_buff *skb)
{
    return BPF_OK;
}

SEC("lwt_out")
int lwt_out_pass(struct __sk_buff *skb)
{
    return BPF_OK;
}

char _license[] SEC("license") = "GPL";
