// SPDX-License-Identifier: GPL-2.0
/*
 * A CO-RE relocation: the field offset of task_struct::pid comes from the
 * running kernel's BTF at load time (preserve_access_index). libbpf applies
 * it; jbpf cannot yet and must refuse the program with a clear message
 * instead of loading it with clang's guessed offset.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct task_struct {
	int pid;
} __attribute__((preserve_access_index));

SEC("raw_tp/sys_enter")
int core_read_pid(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	int pid = 0;

	bpf_probe_read_kernel(&pid, sizeof(pid), &task->pid);
	return pid & 1;
}

char _license[] SEC("license") = "GPL";
