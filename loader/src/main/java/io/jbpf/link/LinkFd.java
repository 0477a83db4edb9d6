package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.Pins;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfFdType;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fd of a kernel bpf_link and the pin made of it: what every {@link Link} backed by a kernel
 * link does the same way (info, pin, unpin, update, close). Thread-safe.
 */
class LinkFd {
    private final String what;
    private int fd;
    private Path pinned;

    /** Takes ownership of {@code fd}; {@code what} names the link in errors ("XDP link on veth0"). */
    LinkFd(int fd, String what, Path pinned) {
        this.fd = fd;
        this.what = what;
        this.pinned = pinned;
    }

    /**
     * Opens the link pinned at {@code path}. BPF_OBJ_GET opens whatever is pinned there, and the
     * info of a program fd would read as a link's, so the fd's kind is checked first.
     */
    static int openPinned(Path path) {
        int fd = BpfSyscall.objGet(path.toString());
        if (fd < 0) {
            throw new BpfException("pinned link " + path, -fd);
        }
        BpfFdType.require(fd, BpfFdType.LINK, "pinned link " + path);
        return fd;
    }

    synchronized int fd() {
        if (fd < 0) {
            throw new BpfException(what + " is closed");
        }
        return fd;
    }

    KernelInfo.Link info() {
        return KernelInfo.link(fd(), what);
    }

    synchronized void pin(Path path) {
        if (pinned != null) {
            throw new BpfException("pin " + what + " at " + path + ": it is pinned at " + pinned
                    + " already; unpin() it first to move the pin");
        }
        Pins.pin(fd(), path, what);
        pinned = path;
    }

    /** Works on a closed link too: the pin is a file, and removing it is what detaches then. */
    synchronized void unpin() {
        if (pinned == null) {
            return;
        }
        try {
            Files.deleteIfExists(pinned);
        } catch (IOException e) {
            throw new BpfException("unpin " + what + ": cannot remove " + pinned + ": " + e.getMessage(), e);
        }
        pinned = null;
    }

    /** BPF_LINK_UPDATE to {@code program}; 0 or -errno, for the caller to explain. */
    int update(BpfProgram program) {
        return BpfSyscall.linkUpdate(fd(), program.fd());
    }

    synchronized void close() {
        if (fd >= 0) {
            Native.closeQuietly(fd);
            fd = -1;
        }
    }

    synchronized Path pinned() {
        return pinned;
    }
}
