package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfAttr;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.NetCalls;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.ProgType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A program attached to a whole network namespace through a bpf_link ({@code BPF_LINK_CREATE}
 * with the namespace's fd as target, link type BPF_LINK_TYPE_NETNS): a {@code flow_dissector}
 * program, which then dissects the namespace's packets instead of the kernel's C dissector, or an
 * {@code sk_lookup} program, which picks the socket for each new connection or datagram arriving in
 * the namespace. The attach type follows from the program type. The attachment lasts while this is
 * open or pinned. Thread-safe.
 */
public final class NetnsLink extends KernelLink {
    /** Room for the programs of one netns hook: the kernel allows one flow dissector and 64 sk_lookup programs. */
    private static final int QUERY_CAPACITY = 64;

    private final Path netns;
    private final AttachType attachType;
    private final int id;

    private NetnsLink(Path netns, AttachType attachType, int id, LinkFd link) {
        super(link);
        this.netns = netns;
        this.attachType = attachType;
        this.id = id;
    }

    /**
     * The ids of the programs attached to network namespace {@code netns} (a namespace file such
     * as {@code /proc/self/ns/net} or {@code /run/netns/NAME}) for {@code type}
     * ({@link AttachType#FLOW_DISSECTOR} or {@link AttachType#SK_LOOKUP}), in the order they run:
     * what {@code bpftool net} lists under flow_dissector.
     */
    public static List<Integer> attached(Path netns, AttachType type) {
        int fd = LibC.open(netns.toString(), LibC.O_RDONLY_CLOEXEC);
        if (fd < 0) {
            throw new BpfException("query " + type.kernelName() + " programs of network namespace " + netns, Native.errno());
        }
        try {
            BpfSyscall.ProgQueryResult r = BpfSyscall.progQuery(fd, type.value, 0, QUERY_CAPACITY, BpfSyscall.ProgQueryExtra.NONE);
            if (r.error() < 0) {
                throw new BpfException("query " + type.kernelName() + " programs of network namespace " + netns, -r.error());
            }
            return Arrays.stream(r.progIds()).boxed().toList();
        } finally {
            Native.closeQuietly(fd);
        }
    }

    /**
     * Attaches {@code prog} (a flow_dissector or sk_lookup program) to the network namespace whose
     * file is {@code netns}: {@code /run/netns/NAME} for one made by {@code ip netns add},
     * {@code /proc/PID/ns/net} for a process's, {@code /proc/thread-self/ns/net} for the caller's.
     */
    public static NetnsLink attach(BpfProgram prog, Path netns) {
        AttachType type = switch (prog.type()) {
            case FLOW_DISSECTOR -> AttachType.FLOW_DISSECTOR;
            case SK_LOOKUP -> AttachType.SK_LOOKUP;
            default -> throw new BpfException("attach program " + prog.name() + " to network namespace " + netns
                    + ": it is " + prog.type().kernelName() + "; only " + ProgType.FLOW_DISSECTOR.kernelName()
                    + " and " + ProgType.SK_LOOKUP.kernelName() + " programs attach to a network namespace");
        };
        String what = "attach " + type.kernelName() + " program " + prog.name() + " to network namespace " + netns;
        int nsFd = LibC.open(netns.toString(), LibC.O_RDONLY_CLOEXEC);
        if (nsFd < 0) {
            throw new BpfException(what + ": cannot open " + netns + " (a /run/netns/NAME or /proc/PID/ns/net file)",
                    Native.errno());
        }
        int fd;
        try {
            fd = BpfSyscall.linkCreate(prog.fd(), nsFd, type.value, 0);
        } finally {
            Native.closeQuietly(nsFd);
        }
        if (fd < 0) {
            String why = switch (-fd) {
                case Errno.EINVAL -> ": " + netns + " is not a network namespace file";
                case Errno.EEXIST, Errno.E2BIG -> type == AttachType.FLOW_DISSECTOR
                        ? ": the namespace has a flow dissector already (one per namespace; detach it first)"
                        : ": the namespace has as many sk_lookup programs as the kernel allows";
                default -> "";
            };
            throw new BpfException(what + why, -fd);
        }
        try {
            int id = KernelInfo.link(fd, what).id();
            return new NetnsLink(netns, type, id, new LinkFd(fd, "netns link " + id + " (" + type.kernelName()
                    + " in " + netns + ")", null));
        } catch (RuntimeException e) {
            Native.closeQuietly(fd);
            throw e;
        }
    }

    /** The namespace file it was attached through. */
    public Path netns() {
        return netns;
    }

    /** {@link AttachType#FLOW_DISSECTOR} or {@link AttachType#SK_LOOKUP}. */
    public AttachType attachType() {
        return attachType;
    }

    /** The kernel's id of this link, as {@code bpftool link show} lists it. */
    public int id() {
        return id;
    }

    /**
     * The inode of the namespace as the kernel reports it now ({@code stat -L -c %i} of the
     * namespace file; what {@code bpftool link} prints as netns_ino); 0 once the namespace is gone.
     */
    public long netnsInode() {
        NativeMemory info = Native.allocate(BpfAttr.LinkInfo.SIZE);
        int r = BpfSyscall.linkInfoSock(link.fd(), info);
        if (r < 0) {
            throw new BpfException("read netns link " + id, -r);
        }
        return Integer.toUnsignedLong(info.getInt(BpfAttr.LinkInfo.NETNS_INO));
    }

    /** {@inheritDoc} The new program must be of the same type; the namespace must still exist (else ENOLINK). */
    @Override
    public void update(BpfProgram program) {
        int r = link.update(program);
        if (r < 0) {
            String w = "update netns link " + id + " (" + attachType.kernelName() + " in " + netns + ") to program "
                    + program.name();
            if (r == -Errno.ENOLINK) {
                throw new BpfException(w + ": the link was detached or its namespace is gone", -r);
            }
            throw new BpfException(w, -r);
        }
    }

    @Override
    public String toString() {
        return "NetnsLink[" + attachType.kernelName() + " in " + netns + ", link " + id + "]";
    }
}
