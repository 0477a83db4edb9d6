package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.uapi.Errno;
import io.jbpf.internal.netlink.NetlinkSocket;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * XDP query and detach over rtnetlink ({@code RTM_GETLINK}, {@code RTM_SETLINK} with a nested
 * {@code IFLA_XDP}), as {@code ip link} does, from the calling thread's network namespace: what a
 * tool needs for programs it did not attach itself. Attaching is {@link XdpLink#attach} (netlink)
 * or {@link XdpBpfLink#attach} (bpf_link).
 */
public final class XdpAttach {
    // linux/if_link.h
    public static final int XDP_FLAGS_UPDATE_IF_NOEXIST = 1;
    public static final int XDP_FLAGS_SKB_MODE = 2;
    public static final int XDP_FLAGS_DRV_MODE = 4;
    public static final int XDP_FLAGS_HW_MODE = 8;
    public static final int XDP_FLAGS_REPLACE = 16;
    public static final int XDP_ATTACHED_NONE = 0;
    public static final int XDP_ATTACHED_DRV = 1;
    public static final int XDP_ATTACHED_SKB = 2;
    public static final int XDP_ATTACHED_HW = 3;
    public static final int XDP_ATTACHED_MULTI = 4;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_EXT_MASK = 29;
    static final int IFLA_XDP = 43;
    static final int IFLA_XDP_FD = 1;
    static final int IFLA_XDP_ATTACHED = 2;
    static final int IFLA_XDP_FLAGS = 3;
    static final int IFLA_XDP_PROG_ID = 4;
    static final int IFLA_XDP_DRV_PROG_ID = 5;
    static final int IFLA_XDP_SKB_PROG_ID = 6;
    static final int IFLA_XDP_HW_PROG_ID = 7;
    static final int IFLA_XDP_EXPECTED_FD = 8;
    static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;
    // linux/rtnetlink.h
    static final int RTM_NEWLINK = 16;
    static final int RTM_GETLINK = 18;
    static final int RTM_SETLINK = 19;
    static final int IFINFOMSG_SIZE = 16;

    private XdpAttach() {
    }

    /** The ifindex of {@code device}, or a {@link BpfException} naming it when there is none. */
    public static int ifindex(String device) {
        int idx = LibC.if_nametoindex(device);
        if (idx == 0) {
            throw new BpfException("device '" + device + "' not found", Errno.ENODEV);
        }
        return idx;
    }

    /**
     * Detaches the XDP program from {@code device}: in {@code mode}, or in whichever mode one is
     * attached when {@code mode} is null. Returns the state before the detach.
     */
    public static XdpStatus detach(String device, XdpMode mode) {
        XdpStatus s = query(device);
        List<XdpMode> modes = mode != null ? List.of(mode) : s.modes();
        if (modes.isEmpty() || s.progId(modes.get(0)) == 0) {
            throw new BpfException("device '" + device + "' has no XDP program attached"
                    + (mode == null ? "" : " in " + mode + " mode"), Errno.ENOENT);
        }
        for (XdpMode m : modes) {
            String what = "detach XDP program from " + device + " (" + m + " mode)";
            try {
                setLink(s.ifindex(), -1, m.flag, -1, what);
            } catch (BpfException e) {
                if (e.errno() == Errno.EBUSY) {
                    var link = XdpBpfLink.holding(s.ifindex(), s.progId(m));
                    if (link.isPresent()) {
                        throw new XdpBusyException(what, describeModes(s), link.get().progId(), link.get().id());
                    }
                }
                throw e;
            }
        }
        return s;
    }

    /**
     * Puts {@code replacement} on {@code device} in {@code mode} in place of {@code expected}, in one
     * step: XDP_FLAGS_REPLACE with the expected program's fd over netlink or, when a bpf_link holds
     * the program (whoever made it), BPF_LINK_UPDATE of that link with BPF_F_REPLACE. The device is
     * never without a program, and when another program than {@code expected} is attached by then
     * the kernel refuses (EEXIST over netlink, EPERM for a link) and changes nothing.
     */
    public static void replace(String device, XdpMode mode, BpfProgram expected, BpfProgram replacement) {
        int ifindex = ifindex(device);
        String what = "replace XDP program " + expected.name() + " (id " + expected.id() + ") on " + device + " ("
                + mode + " mode) with " + replacement.name() + " (id " + replacement.id() + ")";
        try {
            setLink(ifindex, replacement.fd(), mode.flag | XDP_FLAGS_REPLACE, expected.fd(), what);
        } catch (BpfException e) {
            var link = e.errno() == Errno.EBUSY ? XdpBpfLink.holding(ifindex, expected.id()) : java.util.Optional.<io.jbpf.KernelInfo.Link>empty();
            if (link.isEmpty()) {
                throw e;
            }
            int fd = BpfSyscall.linkGetFdById(link.get().id());
            if (fd < 0) {
                throw new BpfException(what + ": open bpf_link id " + link.get().id() + " that holds it", -fd);
            }
            try {
                int r = BpfSyscall.linkUpdateReplacing(fd, replacement.fd(), expected.fd());
                if (r < 0) {
                    throw new BpfException(what + " through bpf_link id " + link.get().id()
                            + (-r == Errno.EPERM ? ": the link runs another program by now" : ""), -r);
                }
            } finally {
                Native.closeQuietly(fd);
            }
        }
    }

    static void detachIfAttached(String device, int ifindex, XdpMode mode, int progId) {
        int fd = BpfSyscall.progGetFdById(progId);
        if (fd < 0) {
            return; // the program is gone, so it is not attached anywhere
        }
        try {
            setLink(ifindex, -1, mode.flag | XDP_FLAGS_REPLACE, fd, "detach XDP program id " + progId + " from " + device);
        } catch (BpfException e) {
            // EEXIST: another program replaced ours; ENODEV: the device is gone. Either way nothing of ours is left.
            if (e.errno() != Errno.EEXIST && e.errno() != Errno.ENODEV) {
                throw e;
            }
        } finally {
            Native.closeQuietly(fd);
        }
    }

    static void setLink(int ifindex, int progFd, int flags, int expectedFd, String what) {
        try (NetlinkSocket nl = NetlinkSocket.openRoute()) {
            nl.request(setLinkMessage(ifindex, progFd, flags, expectedFd), what);
        }
    }

    /** RTM_SETLINK of {@code ifindex} with IFLA_XDP { FD, FLAGS, EXPECTED_FD with XDP_FLAGS_REPLACE }. */
    static ByteBuffer setLinkMessage(int ifindex, int progFd, int flags, int expectedFd) {
        ByteBuffer m = NetlinkSocket.message(RTM_SETLINK, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK, 128);
        putIfinfo(m, ifindex);
        int nest = NetlinkSocket.beginNested(m, IFLA_XDP);
        NetlinkSocket.putAttrInt(m, IFLA_XDP_FD, progFd);
        if (flags != 0) {
            NetlinkSocket.putAttrInt(m, IFLA_XDP_FLAGS, flags);
        }
        if ((flags & XDP_FLAGS_REPLACE) != 0) {
            NetlinkSocket.putAttrInt(m, IFLA_XDP_EXPECTED_FD, expectedFd);
        }
        NetlinkSocket.endNested(m, nest);
        return m;
    }

    /** XDP state of {@code device}. */
    public static XdpStatus query(String device) {
        return query(ifindex(device), device);
    }

    /** XDP state of device {@code ifindex}, named {@code device} in errors. */
    static XdpStatus query(int ifindex, String device) {
        ByteBuffer m = NetlinkSocket.message(RTM_GETLINK, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK, 64);
        putIfinfo(m, ifindex);
        NetlinkSocket.putAttrInt(m, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        try (NetlinkSocket nl = NetlinkSocket.openRoute()) {
            List<XdpStatus> found = parseLinks(nl.request(m, "query XDP state of " + device));
            return found.stream().filter(s -> s.ifindex() == ifindex).findFirst()
                    .orElseThrow(() -> new BpfException("device '" + device + "' not found", Errno.ENODEV));
        }
    }

    /** XDP state of every device in this network namespace, by ifindex. */
    public static List<XdpStatus> queryAll() {
        ByteBuffer m = NetlinkSocket.message(RTM_GETLINK, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_DUMP, 64);
        putIfinfo(m, 0);
        NetlinkSocket.putAttrInt(m, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        try (NetlinkSocket nl = NetlinkSocket.openRoute()) {
            return parseLinks(nl.request(m, "list devices"));
        }
    }

    private static void putIfinfo(ByteBuffer m, int ifindex) {
        m.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(ifindex).putInt(0).putInt(0);
    }

    /** The XDP state in RTM_NEWLINK replies: ifindex, name, and the IFLA_XDP program ids. */
    static List<XdpStatus> parseLinks(List<ByteBuffer> replies) {
        List<XdpStatus> out = new ArrayList<>();
        for (ByteBuffer r : replies) {
            if (r.remaining() < IFINFOMSG_SIZE) {
                continue;
            }
            int ifindex = r.getInt(4);
            String[] name = {""};
            int[] xdp = new int[5]; // attached, prog, skb, drv, hw
            NetlinkSocket.forEachAttr(r, IFINFOMSG_SIZE, r.limit(), (type, at, len) -> {
                if (type == IFLA_IFNAME) {
                    int end = at;
                    while (end < at + len && r.get(end) != 0) {
                        end++;
                    }
                    byte[] s = new byte[end - at];
                    r.get(at, s);
                    name[0] = new String(s, StandardCharsets.UTF_8);
                } else if (type == IFLA_XDP) {
                    NetlinkSocket.forEachAttr(r, at, at + len, (t, a, l) -> {
                        switch (t) {
                            case IFLA_XDP_ATTACHED -> xdp[0] = Byte.toUnsignedInt(r.get(a));
                            case IFLA_XDP_PROG_ID -> xdp[1] = r.getInt(a);
                            case IFLA_XDP_SKB_PROG_ID -> xdp[2] = r.getInt(a);
                            case IFLA_XDP_DRV_PROG_ID -> xdp[3] = r.getInt(a);
                            case IFLA_XDP_HW_PROG_ID -> xdp[4] = r.getInt(a);
                            default -> {
                            }
                        }
                    });
                }
            });
            out.add(new XdpStatus(ifindex, name[0], xdp[0], xdp[1], xdp[2], xdp[3], xdp[4]));
        }
        return out;
    }

    static String describeModes(XdpStatus s) {
        return s.modes().isEmpty() ? "" : " in " + s.modes().stream().map(XdpMode::toString).collect(Collectors.joining("+"))
                + " mode";
    }
}
