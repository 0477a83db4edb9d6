package io.jbpf.internal.sys;

/**
 * Offsets into {@code union bpf_attr} (linux/bpf.h), one nested class per command group, and the
 * size to pass for each: the end of the last field used, as libbpf's offsetofend does, so older
 * kernels that know a shorter union still accept the call.
 */
public final class BpfAttr {
    /** sizeof(union bpf_attr) as far as jbpf fills it. */
    public static final int SIZE = 144;

    private BpfAttr() {
    }

    /** BPF_MAP_CREATE. */
    public static final class MapCreate {
        public static final int MAP_TYPE = 0;
        public static final int KEY_SIZE = 4;
        public static final int VALUE_SIZE = 8;
        public static final int MAX_ENTRIES = 12;
        public static final int MAP_FLAGS = 16;
        public static final int INNER_MAP_FD = 20;
        public static final int NUMA_NODE = 24;
        public static final int MAP_NAME = 28;
        public static final int MAP_IFINDEX = 44;
        public static final int BTF_FD = 48;
        public static final int BTF_KEY_TYPE_ID = 52;
        public static final int BTF_VALUE_TYPE_ID = 56;
        public static final int BTF_VMLINUX_VALUE_TYPE_ID = 60;
        public static final int MAP_EXTRA = 64;
        public static final int SIZE = 72;

        private MapCreate() {
        }
    }

    /** BPF_MAP_LOOKUP_ELEM, UPDATE_ELEM, DELETE_ELEM, GET_NEXT_KEY, LOOKUP_AND_DELETE_ELEM. */
    public static final class MapElem {
        public static final int MAP_FD = 0;
        public static final int KEY = 8;
        /** {@code value}, or {@code next_key} for GET_NEXT_KEY. */
        public static final int VALUE = 16;
        public static final int FLAGS = 24;
        public static final int SIZE = 32;

        private MapElem() {
        }
    }

    /** BPF_MAP_LOOKUP_BATCH, LOOKUP_AND_DELETE_BATCH, UPDATE_BATCH, DELETE_BATCH. */
    public static final class Batch {
        public static final int IN_BATCH = 0;
        public static final int OUT_BATCH = 8;
        public static final int KEYS = 16;
        public static final int VALUES = 24;
        public static final int COUNT = 32;
        public static final int MAP_FD = 36;
        public static final int ELEM_FLAGS = 40;
        public static final int FLAGS = 48;
        public static final int SIZE = 56;

        private Batch() {
        }
    }

    /** BPF_PROG_LOAD. */
    public static final class ProgLoad {
        public static final int PROG_TYPE = 0;
        public static final int INSN_CNT = 4;
        public static final int INSNS = 8;
        public static final int LICENSE = 16;
        public static final int LOG_LEVEL = 24;
        public static final int LOG_SIZE = 28;
        public static final int LOG_BUF = 32;
        public static final int KERN_VERSION = 40;
        public static final int PROG_FLAGS = 44;
        public static final int PROG_NAME = 48;
        public static final int PROG_IFINDEX = 64;
        public static final int EXPECTED_ATTACH_TYPE = 68;
        public static final int PROG_BTF_FD = 72;
        public static final int FUNC_INFO_REC_SIZE = 76;
        public static final int FUNC_INFO = 80;
        public static final int FUNC_INFO_CNT = 88;
        public static final int LINE_INFO_REC_SIZE = 92;
        public static final int LINE_INFO = 96;
        public static final int LINE_INFO_CNT = 104;
        public static final int ATTACH_BTF_ID = 108;
        public static final int ATTACH_PROG_FD = 112;
        public static final int FD_ARRAY = 120;
        /** Linux 6.4+: the log size the verifier needed; older kernels leave it 0. */
        public static final int LOG_TRUE_SIZE = 140;
        public static final int SIZE = 144;

        private ProgLoad() {
        }
    }

    /** BPF_OBJ_GET_INFO_BY_FD. */
    public static final class ObjInfo {
        public static final int BPF_FD = 0;
        public static final int INFO_LEN = 4;
        public static final int INFO = 8;
        public static final int SIZE = 16;

        private ObjInfo() {
        }
    }

    /** BPF_*_GET_FD_BY_ID and BPF_*_GET_NEXT_ID. */
    public static final class GetId {
        /** {@code start_id}, {@code prog_id}, {@code map_id} or {@code btf_id}. */
        public static final int ID = 0;
        public static final int NEXT_ID = 4;
        public static final int OPEN_FLAGS = 8;
        public static final int SIZE = 12;

        private GetId() {
        }
    }

    /** BPF_BTF_LOAD. */
    public static final class BtfLoad {
        public static final int BTF = 0;
        public static final int BTF_LOG_BUF = 8;
        public static final int BTF_SIZE = 16;
        public static final int BTF_LOG_SIZE = 20;
        public static final int BTF_LOG_LEVEL = 24;
        public static final int SIZE = 28;

        private BtfLoad() {
        }
    }

    /** BPF_OBJ_PIN and BPF_OBJ_GET. */
    public static final class Obj {
        public static final int PATHNAME = 0;
        public static final int BPF_FD = 8;
        public static final int FILE_FLAGS = 12;
        public static final int SIZE = 16;

        private Obj() {
        }
    }

    /** BPF_PROG_TEST_RUN (BPF_PROG_RUN). */
    public static final class TestRun {
        public static final int PROG_FD = 0;
        public static final int RETVAL = 4;
        public static final int DATA_SIZE_IN = 8;
        public static final int DATA_SIZE_OUT = 12;
        public static final int DATA_IN = 16;
        public static final int DATA_OUT = 24;
        public static final int REPEAT = 32;
        public static final int DURATION = 36;
        public static final int CTX_SIZE_IN = 40;
        public static final int CTX_SIZE_OUT = 44;
        public static final int CTX_IN = 48;
        public static final int CTX_OUT = 56;
        public static final int FLAGS = 64;
        public static final int CPU = 68;
        public static final int SIZE = 76;

        private TestRun() {
        }
    }

    /** {@code struct bpf_prog_info}. */
    public static final class ProgInfo {
        public static final int TYPE = 0;
        public static final int ID = 4;
        public static final int TAG = 8;
        public static final int TAG_SIZE = 8;
        public static final int XLATED_PROG_LEN = 20;
        public static final int LOAD_TIME = 40;
        public static final int NR_MAP_IDS = 52;
        public static final int MAP_IDS = 56;
        public static final int NAME = 64;
        public static final int SIZE = 232;

        private ProgInfo() {
        }
    }

    /** {@code struct bpf_map_info}. */
    public static final class MapInfo {
        public static final int TYPE = 0;
        public static final int ID = 4;
        public static final int KEY_SIZE = 8;
        public static final int VALUE_SIZE = 12;
        public static final int MAX_ENTRIES = 16;
        public static final int MAP_FLAGS = 20;
        public static final int NAME = 24;
        public static final int BTF_ID = 64;
        public static final int BTF_KEY_TYPE_ID = 68;
        public static final int BTF_VALUE_TYPE_ID = 72;
        public static final int SIZE = 88;

        private MapInfo() {
        }
    }

    /** {@code struct bpf_btf_info}. */
    public static final class BtfInfo {
        public static final int BTF = 0;
        public static final int BTF_SIZE = 8;
        public static final int ID = 12;
        /** Pointer to a buffer for the name ("vmlinux" or a module's) and its length. */
        public static final int NAME = 16;
        public static final int NAME_LEN = 24;
        /** Non-zero for the kernel's own BTF objects: vmlinux and each module's. */
        public static final int KERNEL_BTF = 28;
        public static final int SIZE = 32;

        private BtfInfo() {
        }
    }

    /**
     * {@code struct bpf_link_info}: type, id and prog_id, then a union by link type that starts at
     * 16 (the struct is 8-byte aligned). Only the members jbpf reads are named.
     */
    public static final class LinkInfo {
        public static final int TYPE = 0;
        public static final int ID = 4;
        public static final int PROG_ID = 8;
        /** {@code xdp.ifindex} (also where tcx and netkit links keep theirs). */
        public static final int XDP_IFINDEX = 16;
        /** {@code perf_event.type}: enum bpf_perf_event_type. */
        public static final int PERF_EVENT_TYPE = 16;
        /** {@code perf_event.tracepoint.tp_name}: in, a buffer the kernel copies the name into. */
        public static final int PERF_EVENT_TP_NAME = 24;
        /** {@code perf_event.tracepoint.name_len}: in, the buffer's size; out, the name's with its NUL. */
        public static final int PERF_EVENT_TP_NAME_LEN = 32;
        /** BPF_PERF_EVENT_TRACEPOINT of enum bpf_perf_event_type. */
        public static final int PERF_EVENT_TYPE_TRACEPOINT = 5;
        // The union's members by link type (also what bpftool link prints):
        /** raw_tracepoint: {@code tp_name} (in: buffer), {@code tp_name_len} (in: its size; out: the name's with NUL). */
        public static final int RAW_TP_NAME = 16;
        public static final int RAW_TP_NAME_LEN = 24;
        /** tracing: attach_type, target_obj_id, target_btf_id. */
        public static final int TRACING_ATTACH_TYPE = 16;
        public static final int TRACING_TARGET_OBJ_ID = 20;
        public static final int TRACING_TARGET_BTF_ID = 24;
        /** cgroup: u64 cgroup_id (the inode of the cgroup directory), u32 attach_type. */
        public static final int CGROUP_ID = 16;
        public static final int CGROUP_ATTACH_TYPE = 24;
        /** netns: u32 netns_ino, u32 attach_type. */
        public static final int NETNS_INO = 16;
        public static final int NETNS_ATTACH_TYPE = 20;
        /** tcx and netkit: u32 ifindex, u32 attach_type (xdp has the ifindex only). */
        public static final int DEV_IFINDEX = 16;
        public static final int DEV_ATTACH_TYPE = 20;
        /** netfilter: u32 pf, u32 hooknum, s32 priority, u32 flags. */
        public static final int NETFILTER_PF = 16;
        public static final int NETFILTER_HOOKNUM = 20;
        public static final int NETFILTER_PRIORITY = 24;
        public static final int NETFILTER_FLAGS = 28;
        /** sockmap and struct_ops: u32 map_id (sockmap: then u32 attach_type). */
        public static final int MAP_ID = 16;
        public static final int SOCKMAP_ATTACH_TYPE = 20;
        /**
         * sizeof(struct bpf_link_info) in Linux 6.18; a kernel that knows fewer members writes
         * fewer bytes, and accepts the larger buffer as long as its tail is zero.
         */
        public static final int SIZE = 64;

        private LinkInfo() {
        }
    }

    /** BPF_LINK_UPDATE. */
    public static final class LinkUpdate {
        public static final int LINK_FD = 0;
        public static final int NEW_PROG_FD = 4;
        public static final int FLAGS = 8;
        public static final int OLD_PROG_FD = 12;
        public static final int SIZE = 16;

        private LinkUpdate() {
        }
    }

    /** BPF_OBJ_NAME_LEN: names are 15 characters and a NUL. */
    public static final int OBJ_NAME_LEN = 16;

    // --- cgroup ---

    /** BPF_PROG_ATTACH and BPF_PROG_DETACH (the classic 20 bytes; relative_fd and expected_revision are not used). */
    public static final class ProgAttach {
        /** {@code target_fd}: the cgroup directory's fd. */
        public static final int TARGET_FD = 0;
        /** {@code attach_bpf_fd}: the program; DETACH needs it for a multi list (ENOENT without it). */
        public static final int ATTACH_BPF_FD = 4;
        public static final int ATTACH_TYPE = 8;
        public static final int ATTACH_FLAGS = 12;
        /** {@code replace_bpf_fd}: the program to swap out, with {@link #F_REPLACE}. */
        public static final int REPLACE_BPF_FD = 16;
        public static final int SIZE = 20;
        /** BPF_F_ALLOW_OVERRIDE: a descendant cgroup's program replaces this one for the descendant. */
        public static final int F_ALLOW_OVERRIDE = 1;
        /** BPF_F_ALLOW_MULTI: a list of programs, this cgroup's and its ancestors' all run. */
        public static final int F_ALLOW_MULTI = 2;
        /** BPF_F_REPLACE: swap {@code replace_bpf_fd} for the new program in place (multi lists only). */
        public static final int F_REPLACE = 4;

        private ProgAttach() {
        }
    }

    // --- tc ---

    /**
     * BPF_LINK_CREATE for TCX (Linux 6.6+): the common head, then {@code tcx.relative_fd} (or
     * relative_id) and {@code tcx.expected_revision}. Cgroup links use the same tail.
     */
    public static final class LinkCreate {
        public static final int PROG_FD = 0;
        /** {@code target_fd} or {@code target_ifindex}. */
        public static final int TARGET = 4;
        public static final int ATTACH_TYPE = 8;
        public static final int FLAGS = 12;
        /** {@code tcx.relative_fd} / {@code relative_id}, read with BPF_F_BEFORE or BPF_F_AFTER. */
        public static final int RELATIVE = 16;
        /** {@code tcx.expected_revision}: 0 = don't check; a mismatch gives ESTALE. */
        public static final int EXPECTED_REVISION = 24;
        public static final int SIZE = 32;
        /** Attach flags of the multi-program API (upstream linux/bpf.h; BPF_F_LINK from the BTF enum). */
        public static final int BPF_F_REPLACE = 4;
        public static final int BPF_F_BEFORE = 8;
        public static final int BPF_F_AFTER = 16;
        public static final int BPF_F_ID = 32;
        public static final int BPF_F_LINK = 8192;

        private LinkCreate() {
        }
    }

    /**
     * BPF_PROG_QUERY, the 6.6+ layout: older kernels know only a prefix ({@link #SIZE_CLASSIC}
     * before 6.0, {@link #SIZE_WITH_PROG_FLAGS} before 6.6) and refuse more with E2BIG.
     */
    public static final class ProgQuery {
        /** {@code target_fd} (cgroup, netns or map fd) or {@code target_ifindex} (TCX). */
        public static final int TARGET = 0;
        public static final int ATTACH_TYPE = 4;
        /** {@code query_flags}: in, {@link #F_QUERY_EFFECTIVE}. */
        public static final int QUERY_FLAGS = 8;
        /** {@code attach_flags}: out, the flags of a cgroup's list for the attach type. */
        public static final int ATTACH_FLAGS = 12;
        /** {@code prog_ids}: in, a pointer to u32[count]. */
        public static final int PROG_IDS = 16;
        /** {@code prog_cnt}/{@code count}: in, the arrays' capacity; out, how many programs there are. */
        public static final int COUNT = 24;
        /** {@code prog_attach_flags}: in, a pointer to u32[count] for each program's flags (not with EFFECTIVE). */
        public static final int PROG_ATTACH_FLAGS = 32;
        /** {@code link_ids}: in, a pointer to u32[count]; 0 for a program attached without a link. */
        public static final int LINK_IDS = 40;
        public static final int LINK_ATTACH_FLAGS = 48;
        /** {@code revision}: out, counts every attach, detach and replace at the hook. */
        public static final int REVISION = 56;
        /** The end of prog_cnt: the size kernels before 6.0 know. */
        public static final int SIZE_CLASSIC = 28;
        /** The end of prog_attach_flags: the size kernels before 6.6 know. */
        public static final int SIZE_WITH_PROG_FLAGS = 40;
        public static final int SIZE = 64;
        /** BPF_F_QUERY_EFFECTIVE: the programs that run for the cgroup, its ancestors' included. */
        public static final int F_QUERY_EFFECTIVE = 1;

        private ProgQuery() {
        }
    }

    /** BPF_LINK_DETACH. */
    public static final class LinkDetach {
        public static final int LINK_FD = 0;
        public static final int SIZE = 4;

        private LinkDetach() {
        }
    }

    // --- sockets, netns, LWT, netfilter ---

    /** BPF_LINK_CREATE with attach type BPF_NETFILTER: the common head, then {@code link_create.netfilter}. */
    public static final class LinkCreateNetfilter {
        public static final int PROG_FD = 0;
        /** 0: a netfilter link hooks the calling thread's network namespace. */
        public static final int TARGET_FD = 4;
        public static final int ATTACH_TYPE = 8;
        public static final int FLAGS = 12;
        /** NFPROTO_IPV4 2, NFPROTO_IPV6 10. */
        public static final int PF = 16;
        /** enum nf_inet_hooks: PRE_ROUTING 0 .. POST_ROUTING 4. */
        public static final int HOOKNUM = 20;
        /** s32; INT_MIN and INT_MAX are refused (ERANGE). */
        public static final int PRIORITY = 24;
        /** BPF_F_NETFILTER_IP_DEFRAG 1. */
        public static final int NF_FLAGS = 28;
        public static final int SIZE = 32;

        private LinkCreateNetfilter() {
        }
    }

    // --- cli (listing and inspection: prog/map/link list, net, cgroup tree) ---

    /** The members of {@code struct bpf_prog_info} that {@link ProgInfo} does not name. */
    public static final class ProgInfoDetail {
        public static final int JITED_PROG_LEN = 16;
        /** {@code xlated_prog_insns}: in, a buffer of {@code xlated_prog_len} bytes for the instructions. */
        public static final int XLATED_PROG_INSNS = 32;
        public static final int CREATED_BY_UID = 48;
        public static final int IFINDEX = 80;
        /** Bit 0 is {@code gpl_compatible}. */
        public static final int GPL_COMPATIBLE = 84;
        public static final int BTF_ID = 128;
        /** {@code func_info_rec_size}, {@code func_info} (in: buffer), {@code nr_func_info}: BTF function records. */
        public static final int FUNC_INFO_REC_SIZE = 132;
        public static final int FUNC_INFO = 136;
        public static final int NR_FUNC_INFO = 144;
        public static final int RUN_TIME_NS = 192;
        public static final int RUN_CNT = 200;
        public static final int RECURSION_MISSES = 208;
        public static final int VERIFIED_INSNS = 216;
        public static final int ATTACH_BTF_OBJ_ID = 220;
        public static final int ATTACH_BTF_ID = 224;

        private ProgInfoDetail() {
        }
    }

    // --- tracing ---

    /** BPF_RAW_TRACEPOINT_OPEN. */
    public static final class RawTracepointOpen {
        /** Pointer to the tracepoint's name; 0 for programs whose target came with the load (tp_btf ...). */
        public static final int NAME = 0;
        public static final int PROG_FD = 8;
        /** Linux 6.10+; jbpf leaves it 0. */
        public static final int COOKIE = 16;
        /** The end of prog_fd, rounded to the u64 alignment of the struct. */
        public static final int SIZE = 16;

        private RawTracepointOpen() {
        }
    }

    // --- probes ---

    /**
     * BPF_LINK_CREATE of a program to a perf event (attach type BPF_PERF_EVENT): the common head,
     * then {@code perf_event.bpf_cookie} (Linux 5.15+), which the program reads with
     * bpf_get_attach_cookie().
     */
    public static final class LinkCreatePerfEvent {
        public static final int PROG_FD = 0;
        /** The perf event's fd. */
        public static final int TARGET_FD = 4;
        public static final int ATTACH_TYPE = 8;
        public static final int FLAGS = 12;
        public static final int BPF_COOKIE = 16;
        public static final int SIZE = 24;

        private LinkCreatePerfEvent() {
        }
    }

    /**
     * BPF_LINK_CREATE of a tracing program (fentry, fexit, fmod_ret, lsm, freplace; tp_btf from
     * Linux 6.10): the common head, {@code tracing.target_btf_id} (0: the load-time target), then
     * {@code tracing.cookie} (Linux 5.19+).
     */
    public static final class LinkCreateTracing {
        public static final int PROG_FD = 0;
        /** 0, or the program an freplace program extends. */
        public static final int TARGET_FD = 4;
        public static final int ATTACH_TYPE = 8;
        public static final int FLAGS = 12;
        public static final int TARGET_BTF_ID = 16;
        public static final int COOKIE = 24;
        public static final int SIZE = 32;

        private LinkCreateTracing() {
        }
    }

    /**
     * BPF_LINK_CREATE with attach type BPF_TRACE_KPROBE_MULTI (Linux 5.18+, CONFIG_FPROBE): the
     * common head, then {@code kprobe_multi}: {@code cnt} functions named by {@code syms} (an array
     * of C-string pointers) or by {@code addrs} (u64 kernel addresses), and optional per-function
     * u64 {@code cookies}.
     */
    public static final class LinkCreateKprobeMulti {
        public static final int PROG_FD = 0;
        public static final int TARGET_FD = 4;
        public static final int ATTACH_TYPE = 8;
        /** The link_create flags: 0. */
        public static final int FLAGS = 12;
        /** {@code kprobe_multi.flags}: {@link #F_RETURN}. */
        public static final int MULTI_FLAGS = 16;
        public static final int CNT = 20;
        public static final int SYMS = 24;
        public static final int ADDRS = 32;
        public static final int COOKIES = 40;
        public static final int SIZE = 48;
        /** BPF_F_KPROBE_MULTI_RETURN: kretprobes. */
        public static final int F_RETURN = 1;

        private LinkCreateKprobeMulti() {
        }
    }

    /**
     * BPF_LINK_CREATE with attach type BPF_TRACE_UPROBE_MULTI (Linux 6.6+): the common head, then
     * {@code uprobe_multi}: the binary's {@code path} (C string), {@code cnt} file {@code offsets}
     * (u64), optional {@code ref_ctr_offsets} (USDT semaphores) and {@code cookies}, {@code flags}
     * and the {@code pid} whose calls it sees (0: every process).
     */
    public static final class LinkCreateUprobeMulti {
        public static final int PROG_FD = 0;
        public static final int TARGET_FD = 4;
        public static final int ATTACH_TYPE = 8;
        public static final int FLAGS = 12;
        public static final int PATH = 16;
        public static final int OFFSETS = 24;
        public static final int REF_CTR_OFFSETS = 32;
        public static final int COOKIES = 40;
        public static final int CNT = 48;
        /** {@code uprobe_multi.flags}: {@link #F_RETURN}. */
        public static final int MULTI_FLAGS = 52;
        public static final int PID = 56;
        public static final int SIZE = 64;
        /** BPF_F_UPROBE_MULTI_RETURN: uretprobes. */
        public static final int F_RETURN = 1;

        private LinkCreateUprobeMulti() {
        }
    }

    // --- cliattach ---

    /**
     * BPF_PROG_ATTACH with the multi-program tail (cgroups on kernels with the cgroup mprog API,
     * probed on 6.18): after the classic 20 bytes, {@code relative_fd} / {@code relative_id}, read
     * with BPF_F_BEFORE or BPF_F_AFTER ({@link LinkCreate} has the flag values), then
     * {@code expected_revision} (0 = no check; a mismatch gives ESTALE).
     */
    public static final class ProgAttachOrdered {
        public static final int RELATIVE = 20;
        public static final int EXPECTED_REVISION = 24;
        public static final int SIZE = 32;

        private ProgAttachOrdered() {
        }
    }
}
