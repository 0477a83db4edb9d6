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
        /** The end of perf_event.tracepoint, the last member read; also sizeof in Linux 6.1. */
        public static final int SIZE = 48;

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

    /** {@code bpf_prog_info.btf_id}: the program's own BTF, where a freplace program finds its target function. */
    public static final int PROG_INFO_BTF_ID = 128;
}
