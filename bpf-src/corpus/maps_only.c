// SPDX-License-Identifier: GPL-2.0
/*
 * An object with a map and no program (a "map library" some projects
 * build, or a program section forgotten): loading it creates the map;
 * attaching it to a device must say there is no program, not crash.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} only_map SEC(".maps");

char _license[] SEC("license") = "GPL";
