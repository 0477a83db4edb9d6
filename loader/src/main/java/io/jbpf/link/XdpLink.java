package io.jbpf.link;

/**
 * An XDP program attached to a device through rtnetlink. The attachment outlives the JVM;
 * {@link #close()} detaches it, but only while this program is still the one attached in this
 * mode, so closing never removes a program someone else put there since.
 */
public final class XdpLink implements AutoCloseable {
    private final String device;
    private final int ifindex;
    private final XdpMode mode;
    private final int progId;
    private boolean closed;

    XdpLink(String device, int ifindex, XdpMode mode, int progId) {
        this.device = device;
        this.ifindex = ifindex;
        this.mode = mode;
        this.progId = progId;
    }

    public String device() {
        return device;
    }

    public int ifindex() {
        return ifindex;
    }

    /** The mode the kernel attached in (it picks one when none was asked for). */
    public XdpMode mode() {
        return mode;
    }

    public int progId() {
        return progId;
    }

    /** Detaches the program if it is still the one attached. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            XdpAttach.detachIfAttached(device, ifindex, mode, progId);
        }
    }

    @Override
    public String toString() {
        return "XdpLink[" + device + ", " + mode + ", prog " + progId + "]";
    }
}
