package io.jbpf.link;

import io.jbpf.common.BpfException;
import io.jbpf.uapi.Errno;

/**
 * An XDP attach refused because the device already runs a program in that mode (EBUSY). Either
 * the program was attached over netlink, and attaching with {@link IfAttached#REPLACE} takes its place, or a bpf_link
 * holds it ({@link #linkId()} is not 0), and only whoever owns the link can let it go.
 */
public final class XdpBusyException extends BpfException {
    private static final String LIBRARY_HINT = "attach with IfAttached.REPLACE (XdpLink.attach) to replace it";
    private final String operation;
    private final String modes;
    private final int progId;
    private final int linkId;

    XdpBusyException(String operation, String modes, int progId, int linkId) {
        super(describe(operation, modes, progId, linkId, LIBRARY_HINT), Errno.EBUSY);
        this.operation = operation;
        this.modes = modes;
        this.progId = progId;
        this.linkId = linkId;
    }

    /** The id of the program on the device. */
    public int progId() {
        return progId;
    }

    /** The id of the bpf_link holding the device, or 0 when the program was attached over netlink. */
    public int linkId() {
        return linkId;
    }

    /**
     * The message with {@code howToReplace} in place of the library's advice for a netlink
     * attachment (a CLI names its flag); without the errno, which {@link BpfException} appends.
     */
    public String message(String howToReplace) {
        return describe(operation, modes, progId, linkId, howToReplace);
    }

    private static String describe(String operation, String modes, int progId, int linkId, String howToReplace) {
        if (linkId != 0) {
            return operation + ": an XDP bpf_link (link id " + linkId + ", program id " + progId + ") holds the device"
                    + modes + "; a program attached through a bpf_link cannot be replaced (not even with replace) or "
                    + "detached over netlink; to free the device, the link's owner closes or unpins it, or run `bpftool link detach id "
                    + linkId + "`";
        }
        return operation + ": device already has XDP program id " + progId + modes + "; " + howToReplace;
    }
}
