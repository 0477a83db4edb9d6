package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.uapi.Errno;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A kernel bpf_link of any type, opened by id or from its bpffs pin: what tools that inspect,
 * pin or detach links made by others need (cilium/ebpf's {@code RawLink}). The per-hook classes
 * ({@link XdpBpfLink}, {@link TracepointLink} ...) are what makes links; this one only finds them.
 * Closing it releases this fd only: the attachment stays while another fd or a pin holds it.
 * Thread-safe.
 */
public final class BpfLink extends KernelLink {
    private final int id;

    private BpfLink(int id, LinkFd link) {
        super(link);
        this.id = id;
    }

    /** Ids of every bpf_link in the kernel, in id order. */
    public static List<Integer> ids() {
        List<Integer> ids = new ArrayList<>();
        for (int next = BpfSyscall.linkGetNextId(0); next > 0; next = BpfSyscall.linkGetNextId(next)) {
            ids.add(next);
        }
        return ids;
    }

    /** Opens the link with kernel id {@code id} (ENOENT once it is gone). */
    public static BpfLink fromId(int id) {
        int fd = BpfSyscall.linkGetFdById(id);
        if (fd < 0) {
            throw new BpfException("link id " + id, -fd);
        }
        return new BpfLink(id, new LinkFd(fd, "link " + id, null));
    }

    /**
     * Opens the link pinned at {@code path}; {@link #unpin()} then removes that pin. A pinned
     * program or map is refused.
     */
    public static BpfLink fromPin(Path path) {
        int fd = LinkFd.openPinned(path);
        try {
            int id = KernelInfo.link(fd, "pinned link " + path).id();
            return new BpfLink(id, new LinkFd(fd, "link " + id + " (pinned at " + path + ")", path));
        } catch (RuntimeException e) {
            Native.closeQuietly(fd);
            throw e;
        }
    }

    /** The kernel's id of the link. */
    public int id() {
        return id;
    }

    /** The link's fd, owned by this object: valid until {@link #close()}. */
    public int fd() {
        return link.fd();
    }

    /** {@inheritDoc} The new program must be of the type the link's hook runs. */
    @Override
    public void update(BpfProgram program) {
        int r = link.update(program);
        if (r < 0) {
            KernelInfo.Link info = info();
            throw new BpfException("update " + info.type().kernelName() + " link " + id + " to program " + program.name()
                    + (-r == Errno.EINVAL ? " (perf-event and raw tracepoint links cannot swap programs, and other links"
                    + " only take a program of the type they run)" : ""), -r);
        }
    }

    /**
     * Detaches the program from its hook now, whoever holds the link (BPF_LINK_DETACH): the
     * link stays as a defunct object until its fds and pins go. Links of perf events and raw
     * tracepoints cannot detach (EOPNOTSUPP): remove their pins and close their fds instead.
     */
    public void detach() {
        int r = BpfSyscall.linkDetach(link.fd());
        if (r < 0) {
            KernelInfo.Link info = info();
            throw new BpfException("detach " + info.type().kernelName() + " link " + id
                    + (-r == Errno.EOPNOTSUPP ? ": this kind of link cannot be detached; remove its pins and stop the "
                    + "processes that hold it open" : ""), -r);
        }
    }

    @Override
    public String toString() {
        return "BpfLink[" + id + "]";
    }
}
