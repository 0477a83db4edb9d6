// SPDX-License-Identifier: GPL-2.0
/*
 * Cgroup map types:
 *
 *   cg_bytes      CGROUP_STORAGE (key struct bpf_cgroup_storage_key,
 *                 max_entries 0): the storage of the cgroup the program
 *                 is attached to, via bpf_get_local_storage
 *   cg_pkts       PERCPU_CGROUP_STORAGE, same, one value per CPU
 *   cg_array      CGROUP_ARRAY: cgroup fds, for bpf_skb_under_cgroup
 *
 * cg_egress (cgroup_skb) can be test-run: BPF_PROG_TEST_RUN allocates
 * fresh cgroup storage for each run (shared by the run's repetitions).
 * tc_under_cgroup asks whether the packet's socket is under the cgroup in
 * cg_array[0]; with the slot empty that is -EAGAIN (-11).
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_STORAGE);
	__type(key, struct bpf_cgroup_storage_key);
	__type(value, __u64);
} cg_bytes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE);
	__type(key, struct bpf_cgroup_storage_key);
	__type(value, __u64);
} cg_pkts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cg_array SEC(".maps");

__u64 cg_seen_bytes;	/* cg_bytes value after the run */
__u64 cg_seen_pkts;	/* this CPU's cg_pkts value after the run */
long under_ret = 1;	/* bpf_skb_under_cgroup result */

SEC("cgroup_skb/egress")
int cg_egress(struct __sk_buff *skb)
{
	__u64 *bytes = bpf_get_local_storage(&cg_bytes, 0);
	__u64 *pkts = bpf_get_local_storage(&cg_pkts, 0);

	__sync_fetch_and_add(bytes, skb->len);
	*pkts += 1;
	cg_seen_bytes = *bytes;
	cg_seen_pkts = *pkts;
	return 1;	/* allow */
}

SEC("tc")
int tc_under_cgroup(struct __sk_buff *skb)
{
	under_ret = bpf_skb_under_cgroup(skb, &cg_array, 0);
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
