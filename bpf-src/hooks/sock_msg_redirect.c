// sk_msg program that redirects every message sent on a socket in sock_map to the receive queue
// (BPF_F_INGRESS) of the socket at key 1, and counts them in redirected. Also an sk_skb stream
// verdict program that passes everything and counts in verdicts, and a second sk_msg program that
// passes everything (for link update). Used by SockmapIT.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_SOCKMAP);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} sock_map SEC(".maps");

__u64 redirected = 0;
__u64 passed = 0;
__u64 verdicts = 0;

SEC("sk_msg")
int msg_redirect(struct sk_msg_md *msg)
{
    __sync_fetch_and_add(&redirected, 1);
    return bpf_msg_redirect_map(msg, &sock_map, 1, BPF_F_INGRESS);
}

SEC("sk_msg")
int msg_pass(struct sk_msg_md *msg)
{
    __sync_fetch_and_add(&passed, 1);
    return SK_PASS;
}

SEC("sk_skb/stream_verdict")
int skb_verdict_pass(struct __sk_buff *skb)
{
    __sync_fetch_and_add(&verdicts, 1);
    return SK_PASS;
}

char _license[] SEC("license") = "GPL";
