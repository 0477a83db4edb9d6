package io.jbpf.link;

/** Where an XDP program runs, as {@code ip link} and xdp-loader name the modes. */
public enum XdpMode {
    /** Generic XDP in the network stack (XDP_FLAGS_SKB_MODE); works on any device. */
    SKB("skb", XdpAttach.XDP_FLAGS_SKB_MODE, XdpAttach.XDP_ATTACHED_SKB),
    /** In the driver (XDP_FLAGS_DRV_MODE). */
    NATIVE("native", XdpAttach.XDP_FLAGS_DRV_MODE, XdpAttach.XDP_ATTACHED_DRV),
    /** Offloaded to the NIC (XDP_FLAGS_HW_MODE). */
    HW("hw", XdpAttach.XDP_FLAGS_HW_MODE, XdpAttach.XDP_ATTACHED_HW);

    public final String label;
    /** The XDP_FLAGS_* bit selecting this mode. */
    public final int flag;
    /** The XDP_ATTACHED_* value the kernel reports for it. */
    public final int attached;

    XdpMode(String label, int flag, int attached) {
        this.label = label;
        this.flag = flag;
        this.attached = attached;
    }

    /** {@code skb}, {@code native} (or {@code drv}), {@code hw} (or {@code offload}). */
    public static XdpMode parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "skb", "generic", "xdpgeneric" -> SKB;
            case "native", "drv", "xdpdrv" -> NATIVE;
            case "hw", "offload", "xdpoffload" -> HW;
            default -> throw new IllegalArgumentException("unknown XDP mode '" + s + "' (skb, native or hw)");
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
