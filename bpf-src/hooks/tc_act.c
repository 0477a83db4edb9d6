// SPDX-License-Identifier: GPL-2.0
/*
 * A sched_act program (section "action"): it loads, but a tc action needs act_bpf, which this
 * test kernel lacks. ClsBpfFilterIT checks that attaching it says so and points to a cls_bpf
 * direct-action filter instead.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("action")
int act_pass(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
