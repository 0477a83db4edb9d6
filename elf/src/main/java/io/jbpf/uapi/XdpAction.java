package io.jbpf.uapi;

/** {@code enum xdp_action} from {@code linux/bpf.h}: the verdicts an XDP program returns. */
public enum XdpAction {
    XDP_ABORTED(0),
    XDP_DROP(1),
    XDP_PASS(2),
    XDP_TX(3),
    XDP_REDIRECT(4);

    private static final XdpAction[] BY_VALUE = values();

    public final int value;

    XdpAction(int value) {
        this.value = value;
    }

    /** Kernel name for {@code value}, or {@code "unknown(N)"}. */
    public static String nameOf(int value) {
        return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value].name() : "unknown(" + value + ")";
    }
}
