package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfAttr;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.LinkType;
import io.jbpf.uapi.ProgType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A tc program attached to a device through TCX (Linux 6.6+): a bpf_link of type
 * {@code BPF_LINK_TYPE_TCX} created with {@code BPF_LINK_CREATE} and attach type
 * {@code BPF_TCX_INGRESS} or {@code BPF_TCX_EGRESS}, as libbpf's {@code bpf_program__attach_tcx}
 * does. Several programs can share a direction; the kernel runs them in order (see
 * {@link TcxPosition}) until one returns something other than TCX_NEXT (-1), then the clsact
 * filters ({@link ClsBpfFilter}) unless a program returned TCX_PASS. No qdisc is involved, so
 * {@code tc filter show} does not list these; {@link #query} does (and {@code bpftool link}).
 * The program stays attached while the link is open or pinned. Thread-safe.
 */
public final class TcxLink extends KernelLink {
    /** How many attached programs a query fetches first; the kernel says when there are more. */
    private static final int QUERY_CAPACITY = 64;

    private final String device;
    private final TcDirection direction;
    private final int id;

    private TcxLink(String device, TcDirection direction, int id, LinkFd link) {
        super(link);
        this.device = device;
        this.direction = direction;
        this.id = id;
    }

    /** Attaches {@code prog} to {@code device} in {@code direction}, after the programs there now. */
    public static TcxLink attach(BpfProgram prog, String device, TcDirection direction) {
        return attach(prog, device, direction, TcxPosition.LAST);
    }

    /**
     * Attaches {@code prog} (a sched_cls program: section {@code tc}, {@code classifier},
     * {@code tcx/ingress} or {@code tcx/egress}) to {@code device} in {@code direction}, at
     * {@code position} among the programs already there. {@code device} is looked up in the
     * calling thread's network namespace.
     */
    public static TcxLink attach(BpfProgram prog, String device, TcDirection direction, TcxPosition position) {
        String what = "attach tc program " + prog.name() + " to " + device + " " + direction + " through TCX"
                + (position == TcxPosition.LAST ? "" : " (" + position + ")");
        ClsBpfFilter.requireSchedCls(prog, what, "TCX");
        int ifindex = XdpAttach.ifindex(device);
        int fd = BpfSyscall.linkCreate(prog.fd(), ifindex, direction.tcxAttachType().value, position.flags(),
                position.relativeFd(), 0);
        if (fd < 0) {
            int errno = -fd;
            if (errno == Errno.ENOENT && position.hasRelative()) {
                throw new BpfException(what + ": the program or link to place it " + position + " is not attached to "
                        + device + " " + direction + " through TCX", errno);
            }
            if (errno == Errno.EINVAL) {
                throw new BpfException(what + ": the kernel refused the TCX link; kernels before Linux 6.6 have no "
                        + "TCX (attach a clsact filter with ClsBpfFilter.attach there)", errno);
            }
            throw new BpfException(what, errno);
        }
        String name = "TCX link on " + device + " " + direction;
        try {
            return new TcxLink(device, direction, KernelInfo.link(fd, name).id(), new LinkFd(fd, name, null));
        } catch (RuntimeException e) {
            Native.closeQuietly(fd);
            throw e;
        }
    }

    /**
     * Opens the TCX link pinned at {@code path}; {@link #unpin()} then removes that pin. A pinned
     * program, map or link of another type is refused.
     */
    public static TcxLink fromPin(Path path) {
        return open(LinkFd.openPinned(path), "pinned link " + path, path);
    }

    /**
     * Opens the TCX link with id {@code linkId} (from {@link #query} or {@code bpftool link}),
     * for example to {@link #detach()} a program another process attached.
     */
    public static TcxLink fromId(int linkId) {
        int fd = BpfSyscall.linkGetFdById(linkId);
        if (fd < 0) {
            throw new BpfException("open link id " + linkId, -fd);
        }
        return open(fd, "link id " + linkId, null);
    }

    private static TcxLink open(int fd, String what, Path pinned) {
        try {
            KernelInfo.Link info = KernelInfo.link(fd, what);
            if (info.type() != LinkType.TCX) {
                throw new BpfException(what + " (link id " + info.id() + ") is a " + info.type().kernelName()
                        + " link, not a TCX link");
            }
            TcDirection direction = direction(fd, what);
            String device = deviceName(info, direction);
            return new TcxLink(device, direction, info.id(),
                    new LinkFd(fd, "TCX link " + info.id() + " on " + device + " " + direction, pinned));
        } catch (RuntimeException e) {
            Native.closeQuietly(fd);
            throw e;
        }
    }

    /** The link's direction, from {@code bpf_link_info.tcx.attach_type}, which KernelInfo.Link does not carry. */
    private static TcDirection direction(int fd, String what) {
        NativeMemory info = Native.allocate(BpfAttr.LinkInfo.SIZE);
        int r = BpfSyscall.objGetInfoByFd(fd, info.address(), BpfAttr.LinkInfo.SIZE);
        java.lang.ref.Reference.reachabilityFence(info);
        if (r < 0) {
            throw new BpfException(what + ": cannot read kernel info", -r);
        }
        int type = info.getInt(BpfAttr.LinkInfo.DEV_ATTACH_TYPE);
        if (type == AttachType.TCX_EGRESS.value) {
            return TcDirection.EGRESS;
        }
        if (type == AttachType.TCX_INGRESS.value) {
            return TcDirection.INGRESS;
        }
        throw new BpfException(what + ": TCX link with attach type " + AttachType.nameOf(type));
    }

    /**
     * The name of the link's device in this network namespace. A link carries only an ifindex,
     * which another namespace may give to another device: the name counts only if that device
     * lists this link.
     */
    private static String deviceName(KernelInfo.Link info, TcDirection direction) {
        if (info.ifindex() == 0) {
            return "(detached)";
        }
        for (XdpStatus s : XdpAttach.queryAll()) {
            if (s.ifindex() == info.ifindex()
                    && query(s.ifindex(), s.ifname(), direction).stream().anyMatch(a -> a.linkId() == info.id())) {
                return s.ifname();
            }
        }
        return "ifindex " + info.ifindex();
    }

    /**
     * A program attached through TCX, as {@link #query} lists it.
     *
     * @param progId the program's id
     * @param linkId the id of the TCX link holding it ({@link #fromId} opens it)
     */
    public record Attached(int progId, int linkId) {
    }

    /**
     * The programs attached to {@code device} in {@code direction} through TCX, in the order the
     * kernel runs them (BPF_PROG_QUERY). {@code bpftool net} before 7.3 does not show these.
     */
    public static List<Attached> query(String device, TcDirection direction) {
        return query(XdpAttach.ifindex(device), device, direction);
    }

    static List<Attached> query(int ifindex, String device, TcDirection direction) {
        int capacity = QUERY_CAPACITY;
        while (true) {
            BpfSyscall.ProgQueryResult r = BpfSyscall.progQuery(ifindex, direction.tcxAttachType().value, 0, capacity,
                    BpfSyscall.ProgQueryExtra.LINK_IDS);
            if (r.error() == -Errno.ENOSPC) {
                capacity *= 4; // more programs than the buffer held; the kernel does not say how many
                continue;
            }
            if (r.error() < 0) {
                throw new BpfException("query TCX programs of " + device + " " + direction
                        + (r.error() == -Errno.EINVAL ? " (TCX needs Linux 6.6 or later)" : ""), -r.error());
            }
            List<Attached> out = new ArrayList<>(r.progIds().length);
            for (int i = 0; i < r.progIds().length; i++) {
                out.add(new Attached(r.progIds()[i], r.linkIds()[i]));
            }
            return out;
        }
    }

    /** The kernel's id of this link, as {@code bpftool link show} lists it. */
    public int id() {
        return id;
    }

    /**
     * The device the program is attached to; for a link opened from a pin or id whose device is
     * in another network namespace, {@code "ifindex N"}.
     */
    public String device() {
        return device;
    }

    /** The direction the program sees packets in. */
    public TcDirection direction() {
        return direction;
    }

    int fd() {
        return link.fd();
    }

    /**
     * {@inheritDoc} The new program must be a sched_cls program; it takes the old one's place in
     * the device's list and sees the next packet.
     */
    @Override
    public void update(BpfProgram program) {
        String what = "update TCX link " + id + " on " + device + " " + direction + " to program " + program.name();
        ClsBpfFilter.requireSchedCls(program, what, "TCX");
        int r = link.update(program);
        if (r < 0) {
            if (-r == Errno.ENOLINK) {
                throw new BpfException(what + ": the link was detached (its device is gone, or someone ran "
                        + "BPF_LINK_DETACH); attach the program anew", -r);
            }
            throw new BpfException(what, -r);
        }
    }

    /**
     * Detaches the program now (BPF_LINK_DETACH), even when the link is pinned or other processes
     * hold it: what {@code jbpf unload} does to a link it did not create. The link object stays
     * until it is closed and unpinned; {@link #info()} then reports ifindex 0.
     */
    public void detach() {
        int r = BpfSyscall.linkDetach(link.fd());
        if (r < 0) {
            throw new BpfException("detach TCX link " + id + " on " + device + " " + direction, -r);
        }
    }

    @Override
    public String toString() {
        return "TcxLink[" + device + " " + direction + ", link " + id + "]";
    }
}
