package io.jbpf.uapi;

/** {@code enum bpf_map_type} from {@code linux/bpf.h}, in kernel order. */
public enum MapType {
    BPF_MAP_TYPE_UNSPEC(0),
    BPF_MAP_TYPE_HASH(1),
    BPF_MAP_TYPE_ARRAY(2),
    BPF_MAP_TYPE_PROG_ARRAY(3),
    BPF_MAP_TYPE_PERF_EVENT_ARRAY(4),
    BPF_MAP_TYPE_PERCPU_HASH(5),
    BPF_MAP_TYPE_PERCPU_ARRAY(6),
    BPF_MAP_TYPE_STACK_TRACE(7),
    BPF_MAP_TYPE_CGROUP_ARRAY(8),
    BPF_MAP_TYPE_LRU_HASH(9),
    BPF_MAP_TYPE_LRU_PERCPU_HASH(10),
    BPF_MAP_TYPE_LPM_TRIE(11),
    BPF_MAP_TYPE_ARRAY_OF_MAPS(12),
    BPF_MAP_TYPE_HASH_OF_MAPS(13),
    BPF_MAP_TYPE_DEVMAP(14),
    BPF_MAP_TYPE_SOCKMAP(15),
    BPF_MAP_TYPE_CPUMAP(16),
    BPF_MAP_TYPE_XSKMAP(17),
    BPF_MAP_TYPE_SOCKHASH(18),
    BPF_MAP_TYPE_CGROUP_STORAGE(19),
    BPF_MAP_TYPE_REUSEPORT_SOCKARRAY(20),
    BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE(21),
    BPF_MAP_TYPE_QUEUE(22),
    BPF_MAP_TYPE_STACK(23),
    BPF_MAP_TYPE_SK_STORAGE(24),
    BPF_MAP_TYPE_DEVMAP_HASH(25),
    BPF_MAP_TYPE_STRUCT_OPS(26),
    BPF_MAP_TYPE_RINGBUF(27),
    BPF_MAP_TYPE_INODE_STORAGE(28),
    BPF_MAP_TYPE_TASK_STORAGE(29),
    BPF_MAP_TYPE_BLOOM_FILTER(30),
    BPF_MAP_TYPE_USER_RINGBUF(31),
    BPF_MAP_TYPE_CGRP_STORAGE(32),
    BPF_MAP_TYPE_ARENA(33);

    private static final MapType[] BY_VALUE = values();

    /** The kernel's numeric value. */
    public final int value;

    MapType(int value) {
        this.value = value;
    }

    /** The constant for a kernel value, or null when this build does not know it. */
    public static MapType of(int value) {
        return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : null;
    }

    /** Kernel name for {@code value}, or {@code "unknown(N)"}. */
    public static String nameOf(int value) {
        MapType c = of(value);
        return c != null ? c.name() : "unknown(" + value + ")";
    }
}
