package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.LinkType;
import io.jbpf.uapi.ProgType;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * An XDP program attached to a device through a bpf_link ({@code BPF_LINK_CREATE} with attach
 * type {@code BPF_XDP}), as libbpf's {@code bpf_program__attach_xdp} does. Unlike a netlink
 * attachment ({@link XdpLink}), the program stays attached only while the link is open or pinned,
 * and nobody can replace it over netlink, not even with {@link IfAttached#REPLACE}; closing this
 * detaches it unless it is pinned. Thread-safe.
 */
public final class XdpBpfLink extends KernelLink {
    private final String device;
    private final int id;

    private XdpBpfLink(String device, int id, LinkFd link) {
        super(link);
        this.device = device;
        this.id = id;
    }

    /**
     * Attaches {@code prog} to {@code device} in {@code mode} (null: the kernel picks) through a
     * bpf_link. Fails with EBUSY when the device already runs an XDP program in that mode.
     */
    public static XdpBpfLink attach(BpfProgram prog, String device, XdpMode mode) {
        int ifindex = XdpAttach.ifindex(device);
        int fd = BpfSyscall.linkCreate(prog.fd(), ifindex, AttachType.XDP.value, mode == null ? 0 : mode.flag);
        String what = "XDP link on " + device;
        if (fd < 0) {
            throw new BpfException("attach XDP program " + prog.name() + " to " + device + " through a bpf_link"
                    + (mode == null ? "" : " in " + mode + " mode"), -fd);
        }
        try {
            return new XdpBpfLink(device, KernelInfo.link(fd, what).id(), new LinkFd(fd, what, null));
        } catch (RuntimeException e) {
            Native.closeQuietly(fd);
            throw e;
        }
    }

    /**
     * Opens the XDP link pinned at {@code path}; {@link #unpin()} then removes that pin. A pinned
     * program, map or link of another type is refused.
     */
    public static XdpBpfLink fromPin(Path path) {
        int fd = LinkFd.openPinned(path);
        try {
            KernelInfo.Link info = KernelInfo.link(fd, "pinned link " + path);
            if (info.type() != LinkType.XDP) {
                throw new BpfException("pinned link " + path + " (link id " + info.id() + ") is a "
                        + info.type().kernelName() + " link, not an XDP link");
            }
            String device = deviceName(info);
            return new XdpBpfLink(device, info.id(), new LinkFd(fd, "XDP link " + info.id() + " on " + device, path));
        } catch (RuntimeException e) {
            Native.closeQuietly(fd);
            throw e;
        }
    }

    /**
     * The name of the link's device in this network namespace. Links carry only an ifindex, which
     * another namespace may give to another device: the name counts only if that device runs the
     * link's program.
     */
    private static String deviceName(KernelInfo.Link info) {
        return XdpAttach.queryAll().stream()
                .filter(s -> s.ifindex() == info.ifindex() && s.modes().stream().anyMatch(m -> s.progId(m) == info.progId()))
                .map(XdpStatus::ifname).findFirst().orElse("ifindex " + info.ifindex());
    }

    /** The kernel's id of this link, as {@code bpftool link show} lists it. */
    public int id() {
        return id;
    }

    /**
     * The device the program is attached to; for a link opened from a pin whose device is in
     * another network namespace, {@code "ifindex N"}.
     */
    public String device() {
        return device;
    }

    /**
     * {@inheritDoc} The new program must be an XDP program; in the mode the link was made in,
     * it sees the next packet.
     */
    @Override
    public void update(BpfProgram program) {
        int r = link.update(program);
        if (r < 0) {
            String what = "update XDP link " + id + " on " + device + " to program " + program.name();
            if (-r == Errno.EINVAL && program.type() != ProgType.XDP) {
                throw new BpfException(what + ": it is " + program.type().kernelName()
                        + ", and an XDP link runs only XDP programs", -r);
            }
            throw new BpfException(what, -r);
        }
    }

    /**
     * The XDP bpf_link on device {@code ifindex} whose program is one of {@code progIds}, if any.
     * Links carry only an ifindex, so the program id tells this namespace's device from another's.
     */
    static Optional<KernelInfo.Link> holding(int ifindex, int... progIds) {
        for (int id = BpfSyscall.linkGetNextId(0); id > 0; id = BpfSyscall.linkGetNextId(id)) {
            int fd = BpfSyscall.linkGetFdById(id);
            if (fd < 0) {
                continue; // gone since it was listed
            }
            try {
                KernelInfo.Link info = KernelInfo.link(fd, "link id " + id);
                if (info.type() == LinkType.XDP && info.ifindex() == ifindex
                        && IntStream.of(progIds).anyMatch(p -> p != 0 && p == info.progId())) {
                    return Optional.of(info);
                }
            } catch (BpfException e) {
                // detached meanwhile, or not ours to read: not the holder
            } finally {
                Native.closeQuietly(fd);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "XdpBpfLink[" + device + ", link " + id + "]";
    }
}
