// SPDX-License-Identifier: GPL-2.0
/*
 * A perf_event program: counts the samples of the software event it is attached to (cpu-clock
 * in the test), so the test sees it run while the event samples and stop once the link closes.
 * Used by loader/src/test/java/io/jbpf/link/PerfEventIT.java.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 samples;

SEC("perf_event")
int jtr_perf(void *ctx)
{
	__sync_fetch_and_add(&samples, 1);
	return 0;
}

char _license[] SEC("license") = "GPL";
