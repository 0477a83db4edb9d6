package io.jbpf.uapi;

/** {@code enum xdp_action} from {@code linux/bpf.h}: the verdicts an XDP program returns. */
public enum XdpAction {
    ABORTED(0),
    DROP(1),
    PASS(2),
    TX(3),
    REDIRECT(4);

    private static final XdpAction[] BY_VALUE = values();

    /** The kernel's numeric value. */
    public final int value;

    XdpAction(int value) {
        this.value = value;
    }

    /** Kernel name for {@code value}, or {@code "unknown(N)"}. */
    public static String nameOf(int value) {
        return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value].kernelName() : "unknown(" + value + ")";
    }

    /** The name {@code linux/bpf.h} gives it: this constant's name with the {@code XDP_} prefix. */
    public String kernelName() {
        return "XDP_" + name();
    }
}
