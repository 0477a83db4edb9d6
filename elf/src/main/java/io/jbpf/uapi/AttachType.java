package io.jbpf.uapi;

/** {@code enum bpf_attach_type} from {@code linux/bpf.h}, in kernel order. */
public enum AttachType {
    BPF_CGROUP_INET_INGRESS(0),
    BPF_CGROUP_INET_EGRESS(1),
    BPF_CGROUP_INET_SOCK_CREATE(2),
    BPF_CGROUP_SOCK_OPS(3),
    BPF_SK_SKB_STREAM_PARSER(4),
    BPF_SK_SKB_STREAM_VERDICT(5),
    BPF_CGROUP_DEVICE(6),
    BPF_SK_MSG_VERDICT(7),
    BPF_CGROUP_INET4_BIND(8),
    BPF_CGROUP_INET6_BIND(9),
    BPF_CGROUP_INET4_CONNECT(10),
    BPF_CGROUP_INET6_CONNECT(11),
    BPF_CGROUP_INET4_POST_BIND(12),
    BPF_CGROUP_INET6_POST_BIND(13),
    BPF_CGROUP_UDP4_SENDMSG(14),
    BPF_CGROUP_UDP6_SENDMSG(15),
    BPF_LIRC_MODE2(16),
    BPF_FLOW_DISSECTOR(17),
    BPF_CGROUP_SYSCTL(18),
    BPF_CGROUP_UDP4_RECVMSG(19),
    BPF_CGROUP_UDP6_RECVMSG(20),
    BPF_CGROUP_GETSOCKOPT(21),
    BPF_CGROUP_SETSOCKOPT(22),
    BPF_TRACE_RAW_TP(23),
    BPF_TRACE_FENTRY(24),
    BPF_TRACE_FEXIT(25),
    BPF_MODIFY_RETURN(26),
    BPF_LSM_MAC(27),
    BPF_TRACE_ITER(28),
    BPF_CGROUP_INET4_GETPEERNAME(29),
    BPF_CGROUP_INET6_GETPEERNAME(30),
    BPF_CGROUP_INET4_GETSOCKNAME(31),
    BPF_CGROUP_INET6_GETSOCKNAME(32),
    BPF_XDP_DEVMAP(33),
    BPF_CGROUP_INET_SOCK_RELEASE(34),
    BPF_XDP_CPUMAP(35),
    BPF_SK_LOOKUP(36),
    BPF_XDP(37),
    BPF_SK_SKB_VERDICT(38),
    BPF_SK_REUSEPORT_SELECT(39),
    BPF_SK_REUSEPORT_SELECT_OR_MIGRATE(40),
    BPF_PERF_EVENT(41),
    BPF_TRACE_KPROBE_MULTI(42),
    BPF_LSM_CGROUP(43);

    private static final AttachType[] BY_VALUE = values();

    /** The kernel's numeric value. */
    public final int value;

    AttachType(int value) {
        this.value = value;
    }

    /** The constant for a kernel value, or null when this build does not know it. */
    public static AttachType of(int value) {
        return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : null;
    }

    /** Kernel name for {@code value}, or {@code "unknown(N)"}. */
    public static String nameOf(int value) {
        AttachType c = of(value);
        return c != null ? c.name() : "unknown(" + value + ")";
    }
}
