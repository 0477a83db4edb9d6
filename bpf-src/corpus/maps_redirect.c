// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP redirect maps, one program each. bpf_redirect_map's last
 * argument is the action returned when the slot is empty, so with the maps
 * as created (empty) every program returns XDP_PASS (2). Once the test
 * fills the slot the program returns XDP_REDIRECT (4); BPF_PROG_TEST_RUN
 * (without BPF_F_TEST_XDP_LIVE_FRAMES) only reports the verdict, no
 * packet is sent.
 *
 *   tx_ports  DEVMAP       value u32 ifindex               slot 0
 *   tx_hash   DEVMAP_HASH  value struct bpf_devmap_val     key 10
 *   cpus      CPUMAP       value struct bpf_cpumap_val     slot 0
 *   xsks      XSKMAP       value u32 (AF_XDP socket fd)    rx queue index
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} tx_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
} tx_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} cpus SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

SEC("xdp")
int xdp_redirect_dev(struct xdp_md *ctx)
{
	return bpf_redirect_map(&tx_ports, 0, XDP_PASS);
}

SEC("xdp")
int xdp_redirect_devhash(struct xdp_md *ctx)
{
	return bpf_redirect_map(&tx_hash, 10, XDP_PASS);
}

SEC("xdp")
int xdp_redirect_cpu(struct xdp_md *ctx)
{
	return bpf_redirect_map(&cpus, 0, XDP_PASS);
}

SEC("xdp")
int xdp_redirect_xsk(struct xdp_md *ctx)
{
	return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
