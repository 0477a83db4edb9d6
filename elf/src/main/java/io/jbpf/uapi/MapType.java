package io.jbpf.uapi;

/**
 * {@code enum bpf_map_type} from {@code linux/bpf.h}, in kernel order.
 *
 * <p>Constants drop the kernel's prefix ({@code MapType.HASH} is {@code BPF_MAP_TYPE_HASH}), as in
 * every enum of this package; {@link #kernelName()} gives the kernel spelling for printing.
 */
public enum MapType {
    UNSPEC(0),
    HASH(1),
    ARRAY(2),
    PROG_ARRAY(3),
    PERF_EVENT_ARRAY(4),
    PERCPU_HASH(5),
    PERCPU_ARRAY(6),
    STACK_TRACE(7),
    CGROUP_ARRAY(8),
    LRU_HASH(9),
    LRU_PERCPU_HASH(10),
    LPM_TRIE(11),
    ARRAY_OF_MAPS(12),
    HASH_OF_MAPS(13),
    DEVMAP(14),
    SOCKMAP(15),
    CPUMAP(16),
    XSKMAP(17),
    SOCKHASH(18),
    CGROUP_STORAGE(19),
    REUSEPORT_SOCKARRAY(20),
    PERCPU_CGROUP_STORAGE(21),
    QUEUE(22),
    STACK(23),
    SK_STORAGE(24),
    DEVMAP_HASH(25),
    STRUCT_OPS(26),
    RINGBUF(27),
    INODE_STORAGE(28),
    TASK_STORAGE(29),
    BLOOM_FILTER(30),
    USER_RINGBUF(31),
    CGRP_STORAGE(32),
    ARENA(33);

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
        return c != null ? c.kernelName() : "unknown(" + value + ")";
    }

    /** The name {@code linux/bpf.h} gives it: this constant's name with the {@code BPF_MAP_TYPE_} prefix. */
    public String kernelName() {
        return "BPF_MAP_TYPE_" + name();
    }
}
