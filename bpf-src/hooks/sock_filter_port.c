// Socket filter (SEC "socket") that drops UDP datagrams whose source port is drop_port and passes
// the rest whole; it counts every datagram it sees in seen and the ones it drops in dropped.
// sock_keep_all keeps every datagram (counted in kept), for SocketFilter.update.
// Used by SocketFilterIT (attached with SO_ATTACH_BPF to a Java DatagramChannel's socket).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

__u16 drop_port = 0;   /* host order; set by the test before attaching */
__u64 seen = 0;
__u64 dropped = 0;

SEC("socket")
int sock_drop_port(struct __sk_buff *skb)
{
    __u16 sport;

    __sync_fetch_and_add(&seen, 1);
    /* On a UDP socket's receive path skb->data is at the UDP header: source port first. */
    if (bpf_skb_load_bytes(skb, 0, &sport, sizeof(sport)) == 0 && bpf_ntohs(sport) == drop_port) {
        __sync_fetch_and_add(&dropped, 1);
        return 0;
    }
    return skb->len;
}

__u64 kept = 0;

SEC("socket")
int sock_keep_all(struct __sk_buff *skb)
{
    __sync_fetch_and_add(&kept, 1);
    return skb->len;
}

char _license[] SEC("license") = "GPL";
