package io.jbpf.link;

/**
 * The XDP state of one device, as RTM_GETLINK reports it.
 *
 * @param attached  XDP_ATTACHED_* (none, drv, skb, hw, multi)
 * @param progId    the program id when exactly one mode is in use, else 0
 */
public record XdpStatus(int ifindex, String ifname, int attached, int progId, int skbProgId, int drvProgId,
                        int hwProgId) {

    /** The program id attached in {@code mode}, or 0. */
    public int progId(XdpMode mode) {
        return switch (mode) {
            case SKB -> skbProgId != 0 ? skbProgId : attached == XdpAttach.XDP_ATTACHED_SKB ? progId : 0;
            case NATIVE -> drvProgId != 0 ? drvProgId : attached == XdpAttach.XDP_ATTACHED_DRV ? progId : 0;
            case HW -> hwProgId != 0 ? hwProgId : attached == XdpAttach.XDP_ATTACHED_HW ? progId : 0;
        };
    }

    /** The modes that have a program, in skb/native/hw order. */
    public java.util.List<XdpMode> modes() {
        return java.util.Arrays.stream(XdpMode.values()).filter(m -> progId(m) != 0).toList();
    }

    public boolean hasProgram() {
        return attached != XdpAttach.XDP_ATTACHED_NONE;
    }
}
