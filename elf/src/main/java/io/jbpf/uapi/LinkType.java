package io.jbpf.uapi;

/**
 * {@code enum bpf_link_type} from {@code linux/bpf.h}, in kernel order: what kind of attachment a
 * bpf_link is, as {@code BPF_OBJ_GET_INFO_BY_FD} on a link fd reports it.
 *
 * <p>Constants drop the kernel's prefix ({@code LinkType.XDP} is {@code BPF_LINK_TYPE_XDP}), as in
 * every enum of this package; {@link #kernelName()} gives the kernel spelling for printing.
 */
public enum LinkType {
    UNSPEC(0),
    RAW_TRACEPOINT(1),
    TRACING(2),
    CGROUP(3),
    ITER(4),
    NETNS(5),
    XDP(6),
    PERF_EVENT(7),
    KPROBE_MULTI(8),
    STRUCT_OPS(9),
    NETFILTER(10),
    TCX(11),
    UPROBE_MULTI(12),
    NETKIT(13),
    SOCKMAP(14);

    private static final LinkType[] BY_VALUE = values();

    /** The kernel's numeric value. */
    public final int value;

    LinkType(int value) {
        this.value = value;
    }

    /** The constant for a kernel value, or null when this build does not know it. */
    public static LinkType of(int value) {
        return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : null;
    }

    /** Kernel name for {@code value}, or {@code "unknown(N)"}. */
    public static String nameOf(int value) {
        LinkType c = of(value);
        return c != null ? c.kernelName() : "unknown(" + value + ")";
    }

    /** The name {@code linux/bpf.h} gives it: this constant's name with the {@code BPF_LINK_TYPE_} prefix. */
    public String kernelName() {
        return "BPF_LINK_TYPE_" + name();
    }
}
