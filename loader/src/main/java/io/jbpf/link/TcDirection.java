package io.jbpf.link;

import io.jbpf.internal.netlink.TcMessages;
import io.jbpf.uapi.AttachType;
import java.util.Locale;

/** Which way the packets a tc program sees travel through the device. */
public enum TcDirection {
    /** Packets the device receives: TCX ingress, clsact {@code ffff:fff2}. */
    INGRESS("ingress", AttachType.TCX_INGRESS, TcMessages.TC_H_MIN_INGRESS),
    /** Packets the device sends: TCX egress, clsact {@code ffff:fff3}. */
    EGRESS("egress", AttachType.TCX_EGRESS, TcMessages.TC_H_MIN_EGRESS);

    private final String label;
    private final AttachType tcxAttachType;
    private final int clsactMinor;

    TcDirection(String label, AttachType tcxAttachType, int clsactMinor) {
        this.label = label;
        this.tcxAttachType = tcxAttachType;
        this.clsactMinor = clsactMinor;
    }

    /** The attach type of a TCX link in this direction. */
    public AttachType tcxAttachType() {
        return tcxAttachType;
    }

    /** The clsact parent handle filters in this direction hang under (0xFFFFFFF2 or 0xFFFFFFF3). */
    int clsactParent() {
        return TcMessages.clsactParent(clsactMinor);
    }

    /** The direction {@code tc} names {@code ingress} or {@code egress} (any case). */
    public static TcDirection parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "ingress" -> INGRESS;
            case "egress" -> EGRESS;
            default -> throw new IllegalArgumentException("unknown tc direction '" + s + "' (ingress or egress)");
        };
    }

    /** {@code ingress} or {@code egress}, as tc prints it. */
    @Override
    public String toString() {
        return label;
    }
}
