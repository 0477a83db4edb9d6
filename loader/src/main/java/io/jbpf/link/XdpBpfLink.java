package io.jbpf.link;

import io.jbpf.common.BpfException;
import io.jbpf.BpfProgram;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.uapi.AttachType;
import java.lang.ref.Reference;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * An XDP program attached to a device through a bpf_link ({@code BPF_LINK_CREATE} with attach
 * type {@code BPF_XDP}), as libbpf's {@code bpf_program__attach_xdp} does. Unlike a netlink
 * attachment ({@link XdpLink}), the program stays attached only while the link is open or pinned,
 * and nobody can replace it over netlink, not even with replace; closing this detaches it.
 */
public final class XdpBpfLink implements AutoCloseable {
    /** {@code enum bpf_link_type}: BPF_LINK_TYPE_XDP. */
    static final int BPF_LINK_TYPE_XDP = 6;
    // struct bpf_link_info: type, id, prog_id, then the per-type union, 8-byte aligned; xdp.ifindex opens it.
    private static final int INFO_TYPE = 0;
    private static final int INFO_ID = 4;
    private static final int INFO_PROG_ID = 8;
    private static final int INFO_XDP_IFINDEX = 16;
    private static final int INFO_SIZE = 24;

    /** A bpf_link that holds a device's XDP hook: its id and the id of its program. */
    public record Holder(int linkId, int progId) {
    }

    private final String device;
    private final int id;
    private int fd;

    private XdpBpfLink(String device, int fd, int id) {
        this.device = device;
        this.fd = fd;
        this.id = id;
    }

    /** Attaches {@code prog} to {@code device} in {@code mode} (null: the kernel picks) through a bpf_link. */
    public static XdpBpfLink attach(BpfProgram prog, String device, XdpMode mode) {
        int ifindex = XdpAttach.ifindex(device);
        int fd = BpfSyscall.linkCreate(prog.fd(), ifindex, AttachType.XDP.value, mode == null ? 0 : mode.flag);
        if (fd < 0) {
            throw new BpfException("attach XDP program " + prog.name() + " to " + device + " through a bpf_link"
                    + (mode == null ? "" : " in " + mode + " mode"), -fd);
        }
        try {
            return new XdpBpfLink(device, fd, info(fd, "XDP link on " + device).linkId());
        } catch (RuntimeException e) {
            Native.closeQuietly(fd);
            throw e;
        }
    }

    /** The kernel's id of this link, as {@code bpftool link show} lists it. */
    public int id() {
        return id;
    }

    public String device() {
        return device;
    }

    /**
     * The XDP bpf_link on device {@code ifindex} whose program is one of {@code progIds}, if any.
     * Links carry only an ifindex, so the program id tells this namespace's device from another's.
     */
    public static Optional<Holder> holding(int ifindex, int... progIds) {
        for (int id = BpfSyscall.linkGetNextId(0); id > 0; id = BpfSyscall.linkGetNextId(id)) {
            int fd = BpfSyscall.linkGetFdById(id);
            if (fd < 0) {
                continue; // gone since it was listed
            }
            try {
                NativeMemory info = Native.allocate(INFO_SIZE);
                if (BpfSyscall.objGetInfoByFd(fd, info.address(), INFO_SIZE) < 0) {
                    continue;
                }
                int progId = info.getInt(INFO_PROG_ID);
                if (info.getInt(INFO_TYPE) == BPF_LINK_TYPE_XDP && info.getInt(INFO_XDP_IFINDEX) == ifindex
                        && IntStream.of(progIds).anyMatch(p -> p != 0 && p == progId)) {
                    return Optional.of(new Holder(info.getInt(INFO_ID), progId));
                }
            } finally {
                Native.closeQuietly(fd);
            }
        }
        return Optional.empty();
    }

    private static Holder info(int fd, String what) {
        NativeMemory info = Native.allocate(INFO_SIZE);
        int r = BpfSyscall.objGetInfoByFd(fd, info.address(), INFO_SIZE);
        Reference.reachabilityFence(info);
        if (r < 0) {
            throw new BpfException(what + ": cannot read link info", -r);
        }
        return new Holder(info.getInt(INFO_ID), info.getInt(INFO_PROG_ID));
    }

    /** Closes the link's fd, which detaches the program unless the link is pinned. */
    @Override
    public synchronized void close() {
        Native.closeQuietly(fd);
        fd = -1;
    }

    @Override
    public String toString() {
        return "XdpBpfLink[" + device + ", link " + id + "]";
    }
}
