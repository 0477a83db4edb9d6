// SPDX-License-Identifier: GPL-2.0
/*
 * jbpf's XDP multi-program dispatcher: libxdp's dispatcher protocol, version 2
 * (xdp-tools' protocol.org), written for jbpf.
 *
 * One XDP program, xdp_dispatcher, calls up to ten slot functions prog0..prog9
 * in order. `jbpf load --multi` loads each program of the interface as an
 * freplace (BPF_PROG_TYPE_EXT) extension of one slot, in run-priority order,
 * and fills `conf` before loading: how many slots are in use, and per slot the
 * XDP actions after which the next slot runs (chain_call_actions, a bitmap of
 * 1 << action). A slot without an extension returns DISPATCHER_RETVAL, whose bit
 * is always set, so the chain goes on; after the last enabled slot the packet
 * passes.
 *
 * libxdp (xdp-loader) recognises this program as a dispatcher it can add to:
 * program name xdp_dispatcher, BTF, exactly one map (the .rodata holding conf,
 * read-only for programs, frozen) whose first byte is the magic 236 and second
 * the version 2. So this object has no other global data.
 *
 * Used by: jbpf's io.jbpf.xdp.XdpMultiprog (loaded from the jar's resources),
 * XdpMultiprogIT, XdpDispatcherTest.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define DISPATCHER_VERSION 2
#define DISPATCHER_MAGIC 236
#define DISPATCHER_RETVAL 31
#define MAX_SLOTS 10

struct xdp_dispatcher_config {
	__u8 magic;
	__u8 dispatcher_version;
	__u8 num_progs_enabled;
	__u8 is_xdp_frags;
	__u32 chain_call_actions[MAX_SLOTS];
	__u32 run_prios[MAX_SLOTS];
	__u32 program_flags[MAX_SLOTS];
};

/* Filled by the loader before the program is loaded (the verifier then sees
 * constants and drops the unused slots' calls). */
static volatile const struct xdp_dispatcher_config conf = {};

/* The slots. Global (so the verifier checks them alone and an extension can
 * replace each) and never inlined; the volatile keeps the compiler from
 * folding the constant return into the caller. */
#define SLOT(n)                                                     \
	__attribute__((noinline)) int prog##n(struct xdp_md *ctx)      \
	{                                                               \
		volatile int ret = DISPATCHER_RETVAL;                       \
		if (!ctx)                                                   \
			return XDP_ABORTED;                                     \
		return ret;                                                 \
	}
SLOT(0) SLOT(1) SLOT(2) SLOT(3) SLOT(4) SLOT(5) SLOT(6) SLOT(7) SLOT(8) SLOT(9)

#define RUN(n)                                                      \
	if (conf.num_progs_enabled < n + 1)                             \
		goto out;                                                   \
	ret = prog##n(ctx);                                             \
	if (!((1U << ret) & conf.chain_call_actions[n]))                \
		return ret;

SEC("xdp")
int xdp_dispatcher(struct xdp_md *ctx)
{
	int ret;

	RUN(0) RUN(1) RUN(2) RUN(3) RUN(4) RUN(5) RUN(6) RUN(7) RUN(8) RUN(9)
out:
	return XDP_PASS;
}

/* The protocol version again, as BTF only (libxdp reads it when the config's
 * magic is absent): a pointer-to-array whose length is the value, as
 * __uint(dispatcher_version, 2) declares it. */
int (*dispatcher_version)[DISPATCHER_VERSION] SEC("xdp_metadata");

char _license[] SEC("license") = "GPL";
