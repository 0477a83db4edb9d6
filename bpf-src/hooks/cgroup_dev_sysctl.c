// SPDX-License-Identifier: GPL-2.0
/*
 * Device and sysctl cgroup programs for CgroupIT (loader/src/test/java/io/jbpf/CgroupIT.java).
 *
 * cg_dev (cgroup/dev) refuses every access to the character device 1:5 (/dev/zero: mknod, read,
 * write) in the cgroup and counts the refusals; all other devices are allowed.
 * cg_sysctl (cgroup/sysctl) refuses reads of kernel/ostype and writes of kernel/domainname in the
 * cgroup (EPERM) and counts them; every other sysctl passes.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 dev_refused;
__u64 sysctl_refused;

SEC("cgroup/dev")
int cg_dev(struct bpf_cgroup_dev_ctx *ctx)
{
	if ((ctx->access_type & 0xffff) == BPF_DEVCG_DEV_CHAR && ctx->major == 1 && ctx->minor == 5) {
		__sync_fetch_and_add(&dev_refused, 1);
		return 0;
	}
	return 1;
}

static __always_inline int is(const char *name, const char *want, int len)
{
	for (int i = 0; i < len; i++)
		if (name[i] != want[i])
			return 0;
	return 1;
}

SEC("cgroup/sysctl")
int cg_sysctl(struct bpf_sysctl *ctx)
{
	char name[24] = {};
	long n = bpf_sysctl_get_name(ctx, name, sizeof(name), 0);

	if (n < 0)
		return 1;
	/* n is the length without the NUL; compare the NUL too so that prefixes do not match. */
	if (!ctx->write && n == 13 && is(name, "kernel/ostype", 14)) {
		__sync_fetch_and_add(&sysctl_refused, 1);
		return 0;
	}
	if (ctx->write && n == 17 && is(name, "kernel/domainname", 18)) {
		__sync_fetch_and_add(&sysctl_refused, 1);
		return 0;
	}
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
