// SPDX-License-Identifier: GPL-2.0
/*
 * For RunCommandIT and EventOutputTest (jbpf run's event output): on each sync(2) of process
 * TARGET_PID (given with --cflag -DTARGET_PID=N, so that other processes' syncs never count),
 * sends one struct event {pid, ts, comm} through the ring buffer "ring_events" and one through
 * the perf buffer "perf_events" (where the kernel pads its 32 bytes to 36).
 * -DPRINTK adds a bpf_printk line per sync; -DTWIN adds a second 32-byte struct, so that no
 * struct is the only one of the records' size and records show in hex without --event-type.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifndef TARGET_PID
#define TARGET_PID 0
#endif

struct event {
	__u32 pid;
	__u64 ts;
	char comm[16];
};

/*
 * clang writes into BTF the types of globals and function signatures, not those of local
 * variables: this unused global puts struct event there, for jbpf run to decode records with.
 */
struct event *unused_event __attribute__((unused));

#ifdef TWIN
struct twin {
	__u64 a, b, c, d;
};
struct twin twin_seen;
#endif

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ring_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_sync")
int sync_events(void *ctx)
{
	struct event e = {};
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (pid != TARGET_PID)
		return 0;
	e.pid = pid;
	e.ts = bpf_ktime_get_ns();
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	bpf_ringbuf_output(&ring_events, &e, sizeof(e), 0);
	bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, &e, sizeof(e));
#ifdef TWIN
	twin_seen.a++;
#endif
#ifdef PRINTK
	bpf_printk("sync from %u", pid);
#endif
	return 0;
}

char _license[] SEC("license") = "GPL";
