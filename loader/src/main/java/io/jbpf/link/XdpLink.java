package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.LinkType;
import java.nio.file.Path;

/**
 * An XDP program attached to a device through rtnetlink, as {@code ip link set dev X xdp} does.
 * The attachment outlives the JVM; {@link #close()} detaches it, but only while this program is
 * still the one attached in this mode, so closing never removes a program someone else put there
 * since. There is no kernel link object behind it: it cannot be pinned (use {@link XdpBpfLink}
 * for that), and {@link #info()} is put together from a netlink query. Thread-safe.
 */
public final class XdpLink implements Link {
    private final String device;
    private final int ifindex;
    private final XdpMode mode;
    private int progId;
    private boolean closed;

    private XdpLink(String device, int ifindex, XdpMode mode, int progId) {
        this.device = device;
        this.ifindex = ifindex;
        this.mode = mode;
        this.progId = progId;
    }

    /**
     * Attaches the XDP program {@code prog} to {@code device} over rtnetlink, in {@code mode}
     * (null: the kernel picks, native where the driver supports it). When the device already
     * runs an XDP program, {@code ifAttached} says whether to fail ({@link XdpBusyException}) or
     * to take its place. The program stays attached when this object or the JVM goes away, until
     * the returned link is closed or someone detaches it.
     */
    public static XdpLink attach(BpfProgram prog, String device, XdpMode mode, IfAttached ifAttached) {
        int ifindex = XdpAttach.ifindex(device);
        boolean replace = ifAttached == IfAttached.REPLACE;
        int flags = (mode == null ? 0 : mode.flag) | (replace ? 0 : XdpAttach.XDP_FLAGS_UPDATE_IF_NOEXIST);
        String what = "attach XDP program " + prog.name() + " to " + device + (mode == null ? "" : " in " + mode + " mode");
        try {
            XdpAttach.setLink(ifindex, prog.fd(), flags, -1, what);
        } catch (BpfException e) {
            if (e.errno() == Errno.EBUSY) {
                // The kernel says EBUSY both for a program attached without replace and for any
                // attach over a bpf_link, which replace cannot move: tell them apart.
                XdpStatus s = XdpAttach.query(ifindex, device);
                var link = XdpBpfLink.holding(ifindex, s.progId(), s.skbProgId(), s.drvProgId(), s.hwProgId());
                if (link.isPresent()) {
                    throw new XdpBusyException(what, XdpAttach.describeModes(s), link.get().progId(), link.get().id());
                }
                if (!replace) {
                    throw new XdpBusyException(what, XdpAttach.describeModes(s), s.progId(), 0);
                }
            }
            throw e;
        }
        XdpStatus s = XdpAttach.query(ifindex, device);
        XdpMode actual = mode;
        if (actual == null) {
            actual = s.modes().stream().filter(m -> s.progId(m) == prog.id()).findFirst().orElse(XdpMode.NATIVE);
        }
        if (s.progId(actual) != prog.id()) {
            throw new BpfException(what + ": the kernel reports program id " + s.progId(actual)
                    + " attached, not " + prog.id());
        }
        return new XdpLink(device, ifindex, actual, prog.id());
    }

    /** The device the program was attached to. */
    public String device() {
        return device;
    }

    /** The device's ifindex in the network namespace it was attached from. */
    public int ifindex() {
        return ifindex;
    }

    /** The mode the kernel attached in (it picks one when none was asked for). */
    public XdpMode mode() {
        return mode;
    }

    /** The id of this link's program: the one attached, or the one {@link #update} put in its place. */
    public synchronized int progId() {
        return progId;
    }

    /**
     * The device's XDP state in this link's mode, from a netlink query: {@code id} is 0 (there is
     * no kernel link object), {@code type} {@link LinkType#XDP}, {@code progId} the program
     * attached in this mode now (0 when none is; another program's id when someone replaced
     * this one), {@code ifindex} the device's.
     */
    @Override
    public KernelInfo.Link info() {
        XdpStatus s = XdpAttach.query(ifindex, device);
        return new KernelInfo.Link(0, LinkType.XDP, s.progId(mode), ifindex, null);
    }

    /**
     * Refused: a program attached over netlink is held by the device itself and has no bpf_link
     * to pin. It stays attached without a pin anyway; {@link XdpBpfLink} attaches through a link
     * that can be pinned.
     */
    @Override
    public void pin(Path path) {
        throw new BpfException("pin XDP program id " + progId() + " on " + device + " at " + path
                + ": a program attached over netlink has no bpf_link to pin (it stays attached until detached, "
                + "pinned or not); attach with XdpBpfLink.attach for an attachment that can be pinned");
    }

    /** Nothing to do: an XDP program attached over netlink is never pinned. */
    @Override
    public void unpin() {
    }

    /**
     * {@inheritDoc} Over netlink with XDP_FLAGS_REPLACE and this link's program as the expected
     * one (Linux 5.7+), so that it fails, changing nothing, when someone else replaced or detached
     * the program meanwhile.
     */
    @Override
    public synchronized void update(BpfProgram program) {
        String what = "replace XDP program id " + progId + " on " + device + " (" + mode + " mode) with program "
                + program.name();
        if (closed) {
            throw new BpfException(what + ": the link is closed");
        }
        int expected = BpfSyscall.progGetFdById(progId);
        if (expected < 0) {
            throw new BpfException(what + ": program id " + progId + " no longer exists, so it is attached nowhere; "
                    + "attach the new program with XdpLink.attach", -expected);
        }
        try {
            XdpAttach.setLink(ifindex, program.fd(), mode.flag | XdpAttach.XDP_FLAGS_REPLACE, expected, what);
        } catch (BpfException e) {
            if (e.errno() == Errno.EEXIST) {
                int now = XdpAttach.query(ifindex, device).progId(mode);
                throw new BpfException(what + ": the device runs " + (now == 0 ? "no XDP program" : "program id " + now)
                        + " in " + mode + " mode now, not this link's; someone else replaced or detached it, so "
                        + "nothing was changed", Errno.EEXIST);
            }
            throw e;
        } finally {
            Native.closeQuietly(expected);
        }
        progId = program.id();
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
    public synchronized String toString() {
        return "XdpLink[" + device + ", " + mode + ", prog " + progId + "]";
    }
}
