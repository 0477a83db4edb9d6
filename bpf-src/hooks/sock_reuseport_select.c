// sk_reuseport program that sends every datagram to the socket at index target of the
// REUSEPORT_SOCKARRAY socks (instead of the kernel's hash), counting runs in selected.
// Used by ReuseportIT.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_REUSEPORT_SOCKARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} socks SEC(".maps");

__u32 target = 0;
__u64 selected = 0;

SEC("sk_reuseport")
int reuseport_pick(struct sk_reuseport_md *md)
{
    __u32 key = target;

    if (bpf_sk_select_reuseport(md, &socks, &key, 0) != 0)
        return SK_DROP;
    __sync_fetch_and_add(&selected, 1);
    return SK_PASS;
}

char _license[] SEC("license") = "GPL";
