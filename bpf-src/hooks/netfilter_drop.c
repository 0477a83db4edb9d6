// netfilter program (SEC "netfilter", for a BPF netfilter link) that drops every packet of its hook
// (NF_DROP) and counts them in nf_dropped. Used by NetfilterLinkIT at NF_INET_LOCAL_IN of a
// throw-away netns, where the pings it drops are the only traffic.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 nf_dropped = 0;

SEC("netfilter")
int nf_drop(void *ctx)
{
    __sync_fetch_and_add(&nf_dropped, 1);
    return 0; /* NF_DROP */
}

char _license[] SEC("license") = "GPL";
