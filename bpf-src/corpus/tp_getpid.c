// SPDX-License-Identifier: GPL-2.0
/*
 * A tracepoint program (BPF_PROG_TYPE_TRACEPOINT, from the section name
 * "tracepoint/<category>/<event>"). Tracepoint programs cannot be test-run:
 * the test has to attach it (perf_event_open on the tracepoint id from
 * /sys/kernel/tracing/events/syscalls/sys_enter_getpid/id, then
 * PERF_EVENT_IOC_SET_BPF + ENABLE, or BPF_LINK_CREATE with the perf fd),
 * call getpid(), and read the counters back.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* getpid() calls per process (tgid). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} getpid_calls SEC(".maps");

__u32 last_tgid;
__u64 total_calls;

SEC("tracepoint/syscalls/sys_enter_getpid")
int tp_getpid(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&getpid_calls, &tgid);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&getpid_calls, &tgid, &one, BPF_NOEXIST);
	last_tgid = tgid;
	__sync_fetch_and_add(&total_calls, 1);
	return 0;
}

char _license[] SEC("license") = "GPL";
