// sk_lookup program: a TCP connection to port steer_port (any address of the netns) goes to the
// listening socket at key 0 of sk_map, whatever port that socket listens on; counts steered ones.
// Used by NetnsLinkIT.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_SOCKMAP);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} sk_map SEC(".maps");

__u32 steer_port = 0;  /* host order */
__u64 steered = 0;

SEC("sk_lookup")
int lookup_steer(struct bpf_sk_lookup *ctx)
{
    __u32 key = 0;
    struct bpf_sock *sk;
    long err;

    if (ctx->protocol != 6 || ctx->local_port != steer_port)
        return SK_PASS;
    sk = bpf_map_lookup_elem(&sk_map, &key);
    if (!sk)
        return SK_PASS;
    err = bpf_sk_assign(ctx, sk, 0);
    bpf_sk_release(sk);
    if (err == 0)
        __sync_fetch_and_add(&steered, 1);
    return SK_PASS;
}

char _license[] SEC("license") = "GPL";
