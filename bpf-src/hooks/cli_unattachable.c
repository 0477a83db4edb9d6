// SPDX-License-Identifier: GPL-2.0
/*
 * A BPF_PROG_TYPE_SYSCALL program (SEC "syscall"), which runs only through BPF_PROG_TEST_RUN and
 * has no hook at all: jbpf load --attach must refuse it by its section, naming the sections it
 * can attach, before loading anything. Used by loader/src/test/java/io/jbpf/cli/CliHooksIT.java.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("syscall")
int cli_syscall(void *ctx)
{
	return 0;
}

char _license[] SEC("license") = "GPL";
