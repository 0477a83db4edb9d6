// SPDX-License-Identifier: GPL-2.0
/*
 * Local storage maps. They need BTF (key and value type ids at creation),
 * BPF_F_NO_PREALLOC and max_entries 0; the key is an fd (int) of the owning
 * object when used from user space.
 *
 *   task_counter  TASK_STORAGE, used by sys_task_storage: adds 5 to the
 *                 calling task's value on every run
 *   cgrp_store    CGRP_STORAGE (map type 32, newer than the UAPI header
 *                 here, so spelled as a number), only created: its helper
 *                 needs a struct cgroup pointer from vmlinux BTF
 *   inode_store   INODE_STORAGE, only created: its helpers are for BPF LSM
 *                 programs, which this kernel cannot run
 *
 * sys_task_storage is a SEC("syscall") program: run it with
 * BPF_PROG_TEST_RUN and an empty context.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAP_TYPE_CGRP_STORAGE 32	/* BPF_MAP_TYPE_CGRP_STORAGE, Linux 6.2 */

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} task_counter SEC(".maps");

struct {
	__uint(type, MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} cgrp_store SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} inode_store SEC(".maps");

__u64 task_value;	/* the calling task's counter after this run */
__u32 storage_missing;	/* 1 if bpf_task_storage_get failed */

SEC("syscall")
int sys_task_storage(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 *v;

	v = bpf_task_storage_get(&task_counter, task, 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!v) {
		storage_missing = 1;
		return 1;
	}
	*v += 5;
	task_value = *v;
	return 0;
}

char _license[] SEC("license") = "GPL";
