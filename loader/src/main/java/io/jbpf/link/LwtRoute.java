package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.internal.netlink.NetlinkSocket;
import io.jbpf.internal.sys.InNetns;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.LinkType;
import io.jbpf.uapi.ProgType;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A lightweight-tunnel program ({@code lwt_in}, {@code lwt_out}, {@code lwt_xmit}) attached to a
 * route: jbpf adds the route with a BPF encapsulation over rtnetlink ({@code RTM_NEWROUTE} with
 * {@code RTA_ENCAP_TYPE} LWTUNNEL_ENCAP_BPF), as {@code ip route add PREFIX encap bpf xmit obj ...
 * dev DEV} does, and the program runs for the packets that route carries: {@code lwt_in} as they
 * arrive, {@code lwt_out} as they are sent, {@code lwt_xmit} as they are transmitted. The slot
 * follows from the program type. The route lives in the main table of the network namespace it was
 * added in; {@link #close()} deletes it. There is no bpf_link behind a route: it cannot be pinned,
 * and it outlives the JVM if not closed. Thread-safe.
 */
public final class LwtRoute implements Link {
    // linux/rtnetlink.h, linux/lwtunnel.h
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int NLM_F_REPLACE = 0x100;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    static final int RT_TABLE_MAIN = 254;
    static final int RTPROT_BOOT = 3;
    static final int RT_SCOPE_LINK = 253;
    static final int RTN_UNICAST = 1;
    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_ENCAP_TYPE = 21;
    static final int RTA_ENCAP = 22;
    static final int LWTUNNEL_ENCAP_BPF = 6;
    static final int LWT_BPF_PROG_FD = 1;
    static final int LWT_BPF_PROG_NAME = 2;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int RTMSG_SIZE = 12;

    /** The route's slot for the program: {@code LWT_BPF_IN}, {@code _OUT}, {@code _XMIT}. */
    enum Slot {
        IN(1, ProgType.LWT_IN), OUT(2, ProgType.LWT_OUT), XMIT(3, ProgType.LWT_XMIT);

        final int attr;
        final ProgType type;

        Slot(int attr, ProgType type) {
            this.attr = attr;
            this.type = type;
        }

        static Slot of(ProgType t) {
            for (Slot s : values()) {
                if (s.type == t) {
                    return s;
                }
            }
            return null;
        }
    }

    /**
     * A route to {@code destination}/{@code prefixLength} (IPv4 or IPv6) straight out of
     * {@code device} (scope link, main table), as {@code ip route add 10.1.2.0/24 dev eth0} makes.
     */
    public record Route(InetAddress destination, int prefixLength, String device) {
        /** Checks that the prefix fits the address family. */
        public Route {
            Objects.requireNonNull(destination, "destination");
            Objects.requireNonNull(device, "device");
            int max = destination instanceof Inet4Address ? 32 : 128;
            if (prefixLength < 0 || prefixLength > max) {
                throw new BpfException("route prefix " + destination.getHostAddress() + "/" + prefixLength
                        + ": the prefix length must be 0.." + max);
            }
        }

        @Override
        public String toString() {
            return destination.getHostAddress() + "/" + prefixLength + " dev " + device;
        }
    }

    private final Route route;
    private final int ifindex;
    private final Slot slot;
    private final NetlinkSocket netlink;
    private int progId;
    private boolean closed;

    private LwtRoute(Route route, int ifindex, Slot slot, NetlinkSocket netlink, int progId) {
        this.route = route;
        this.ifindex = ifindex;
        this.slot = slot;
        this.netlink = netlink;
        this.progId = progId;
    }

    /** Adds {@code route} with {@code prog} in its slot, in the calling thread's network namespace. */
    public static LwtRoute attach(BpfProgram prog, Route route) {
        return add(prog, route);
    }

    /**
     * Adds {@code route} with {@code prog} in its slot, in the network namespace of file
     * {@code netns} ({@code /run/netns/NAME}); {@link #close()} deletes it there, from any thread.
     */
    public static LwtRoute attach(BpfProgram prog, Route route, Path netns) {
        return InNetns.call(netns, "add route " + route + " with LWT program " + prog.name(), () -> add(prog, route));
    }

    private static LwtRoute add(BpfProgram prog, Route route) {
        String what = "add route " + route + " with LWT program " + prog.name();
        Slot slot = slot(prog, what);
        int ifindex = XdpAttach.ifindex(route.device());
        // The socket stays open with the route: it is bound to this namespace, so close() and
        // update() reach the route from whatever thread calls them.
        NetlinkSocket nl = NetlinkSocket.openRoute();
        try {
            nl.request(newRoute(NLM_F_CREATE | NLM_F_EXCL, route, ifindex, slot, prog.fd(), prog.name()), what);
            return new LwtRoute(route, ifindex, slot, nl, prog.id());
        } catch (BpfException e) {
            nl.close();
            if (e.errno() == Errno.EEXIST) {
                throw new BpfException(what + ": the table has a route to " + route.destination().getHostAddress() + "/"
                        + route.prefixLength() + " already; delete it first (ip route del)", Errno.EEXIST);
            }
            throw e;
        } catch (RuntimeException e) {
            nl.close();
            throw e;
        }
    }

    /**
     * Deletes {@code route} from the calling thread's network namespace (RTM_DELROUTE, as
     * {@code ip route del PREFIX dev DEV}): for a route added by another process, such as
     * {@code jbpf load --attach}, which left it after exiting. An {@link LwtRoute} deletes its own
     * route with {@link #close()}.
     *
     * @throws BpfException with ESRCH when there is no such route
     */
    public static void delete(Route route) {
        String what = "delete route " + route;
        int ifindex = XdpAttach.ifindex(route.device());
        try (NetlinkSocket nl = NetlinkSocket.openRoute()) {
            nl.request(delRoute(route, ifindex), what);
        } catch (BpfException e) {
            if (e.errno() == Errno.ESRCH) {
                throw new BpfException(what + ": there is no such route in the main table (ip route show)", Errno.ESRCH);
            }
            throw e;
        }
    }

    private static Slot slot(BpfProgram prog, String what) {
        Slot slot = Slot.of(prog.type());
        if (slot == null) {
            throw new BpfException(what + ": the program is " + prog.type().kernelName() + "; a route's BPF "
                    + "encapsulation runs BPF_PROG_TYPE_LWT_IN, _LWT_OUT or _LWT_XMIT programs (sections lwt_in, "
                    + "lwt_out, lwt_xmit)");
        }
        return slot;
    }

    /**
     * The RTM_NEWROUTE request for {@code route} with program {@code progFd} (named {@code progName},
     * which {@code ip route} shows) in {@code slot}; {@code flags} add to REQUEST|ACK.
     */
    static ByteBuffer newRoute(int flags, Route route, int ifindex, Slot slot, int progFd, String progName) {
        ByteBuffer b = routeHead(RTM_NEWROUTE, flags, route, ifindex, 256 + progName.length());
        putAttrU16(b, RTA_ENCAP_TYPE, LWTUNNEL_ENCAP_BPF);
        int encap = NetlinkSocket.beginNested(b, RTA_ENCAP);
        int prog = NetlinkSocket.beginNested(b, slot.attr);
        NetlinkSocket.putAttrInt(b, LWT_BPF_PROG_FD, progFd);
        byte[] name = progName.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[name.length + 1];
        System.arraycopy(name, 0, z, 0, name.length);
        putAttrBytes(b, LWT_BPF_PROG_NAME, z);
        NetlinkSocket.endNested(b, prog);
        NetlinkSocket.endNested(b, encap);
        return b;
    }

    /** The RTM_DELROUTE request for {@code route}. */
    static ByteBuffer delRoute(Route route, int ifindex) {
        return routeHead(RTM_DELROUTE, 0, route, ifindex, 128);
    }

    private static ByteBuffer routeHead(int type, int flags, Route route, int ifindex, int capacity) {
        ByteBuffer b = NetlinkSocket.message(type, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK | flags, capacity);
        byte[] dst = route.destination().getAddress();
        b.put((byte) (dst.length == 4 ? AF_INET : AF_INET6)).put((byte) route.prefixLength()).put((byte) 0).put((byte) 0)
                .put((byte) RT_TABLE_MAIN).put((byte) RTPROT_BOOT).put((byte) RT_SCOPE_LINK).put((byte) RTN_UNICAST)
                .putInt(0);
        putAttrBytes(b, RTA_DST, dst);
        NetlinkSocket.putAttrInt(b, RTA_OIF, ifindex);
        return b;
    }

    private static void putAttrU16(ByteBuffer b, int type, int value) {
        b.putShort((short) 6).putShort((short) type).putShort((short) value).putShort((short) 0);
    }

    private static void putAttrBytes(ByteBuffer b, int type, byte[] value) {
        b.putShort((short) (4 + value.length)).putShort((short) type).put(value);
        for (int pad = NetlinkSocket.align4(value.length) - value.length; pad > 0; pad--) {
            b.put((byte) 0);
        }
    }

    /** The route. */
    public Route route() {
        return route;
    }

    /**
     * What jbpf knows of the attachment, since a route is no kernel link: {@code id} 0,
     * {@code type} {@link LinkType#UNSPEC}, {@code progId} the program this object put on the
     * route (0 once closed), {@code ifindex} the route's device.
     */
    @Override
    public synchronized KernelInfo.Link info() {
        return new KernelInfo.Link(0, LinkType.UNSPEC, closed ? 0 : progId, ifindex, null);
    }

    /** Refused: a route holds its program itself, with no bpf_link to pin; it stays until deleted. */
    @Override
    public void pin(Path path) {
        throw new BpfException("pin LWT route " + route + " (program id " + progId + ") at " + path + ": a route's "
                + "BPF encapsulation holds the program itself and has no bpf_link to pin; the route stays until it is deleted "
                + "(close(), or ip route del), pinned or not");
    }

    /** Nothing to do: a route is never pinned. */
    @Override
    public void unpin() {
    }

    /**
     * {@inheritDoc} Replaces the route with one that runs {@code program} (RTM_NEWROUTE with
     * NLM_F_REPLACE), in one step; the program must be of the same LWT type.
     */
    @Override
    public synchronized void update(BpfProgram program) {
        String what = "replace the LWT program of route " + route + " with " + program.name();
        if (closed) {
            throw new BpfException(what + ": the route was deleted (closed)");
        }
        if (Slot.of(program.type()) != slot) {
            throw new BpfException(what + ": it is " + program.type().kernelName() + ", and the route runs "
                    + slot.type.kernelName() + " programs");
        }
        netlink.request(newRoute(NLM_F_REPLACE, route, ifindex, slot, program.fd(), program.name()), what);
        progId = program.id();
    }

    /**
     * Lets the route go without deleting it, as a process that exits does: closes the netlink
     * socket this object kept, and the route stays until {@link #delete} or {@code ip route del}
     * removes it. This object can do nothing more afterwards ({@link #close()} does nothing).
     */
    public synchronized void release() {
        if (!closed) {
            closed = true;
            netlink.close();
        }
    }

    /** Deletes the route (RTM_DELROUTE); a route someone deleted already is no error. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            netlink.request(delRoute(route, ifindex), "delete route " + route);
        } catch (BpfException e) {
            if (e.errno() != Errno.ESRCH && e.errno() != Errno.ENODEV) {
                throw e;
            }
        } finally {
            netlink.close();
        }
    }

    @Override
    public synchronized String toString() {
        return "LwtRoute[" + route + ", " + slot + " prog " + progId + "]";
    }
}
