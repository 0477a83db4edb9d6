// SPDX-License-Identifier: GPL-2.0
/*
 * A perf_event program that files each sample under the cookie of the link that ran it
 * (bpf_get_attach_cookie, Linux 5.15+): the test samples its own thread's task-clock through a
 * link with cookie 6 and checks that every sample landed there. Used by
 * loader/src/test/java/io/jbpf/link/PerfEventIT.java.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 hits[8];

SEC("perf_event")
int jpr_perf_cookie(void *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);

	if (cookie < 8)
		__sync_fetch_and_add(&hits[cookie], 1);
	return 0;
}

char _license[] SEC("license") = "GPL";
