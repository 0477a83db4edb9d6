package io.jbpf.uapi;

/** {@code enum bpf_prog_type} from {@code linux/bpf.h}, in kernel order. */
public enum ProgType {
    UNSPEC(0),
    SOCKET_FILTER(1),
    KPROBE(2),
    SCHED_CLS(3),
    SCHED_ACT(4),
    TRACEPOINT(5),
    XDP(6),
    PERF_EVENT(7),
    CGROUP_SKB(8),
    CGROUP_SOCK(9),
    LWT_IN(10),
    LWT_OUT(11),
    LWT_XMIT(12),
    SOCK_OPS(13),
    SK_SKB(14),
    CGROUP_DEVICE(15),
    SK_MSG(16),
    RAW_TRACEPOINT(17),
    CGROUP_SOCK_ADDR(18),
    LWT_SEG6LOCAL(19),
    LIRC_MODE2(20),
    SK_REUSEPORT(21),
    FLOW_DISSECTOR(22),
    CGROUP_SYSCTL(23),
    RAW_TRACEPOINT_WRITABLE(24),
    CGROUP_SOCKOPT(25),
    TRACING(26),
    STRUCT_OPS(27),
    EXT(28),
    LSM(29),
    SK_LOOKUP(30),
    SYSCALL(31),
    NETFILTER(32);

    private static final ProgType[] BY_VALUE = values();

    /** The kernel's numeric value. */
    public final int value;

    ProgType(int value) {
        this.value = value;
    }

    /** The constant for a kernel value, or null when this build does not know it. */
    public static ProgType of(int value) {
        return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : null;
    }

    /** Kernel name for {@code value}, or {@code "unknown(N)"}. */
    public static String nameOf(int value) {
        ProgType c = of(value);
        return c != null ? c.kernelName() : "unknown(" + value + ")";
    }

    /** The name {@code linux/bpf.h} gives it: this constant's name with the {@code BPF_PROG_TYPE_} prefix. */
    public String kernelName() {
        return "BPF_PROG_TYPE_" + name();
    }
}
