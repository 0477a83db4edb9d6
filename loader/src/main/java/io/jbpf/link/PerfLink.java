package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Native;
import io.jbpf.uapi.Errno;
import java.nio.file.Path;

/**
 * What every link over a perf event (uprobe, kprobe, software event) holds: the BPF link and the
 * perf event's fd, with the answers they share. The kernel cannot swap the program of such a link.
 * Thread-safe.
 */
final class PerfLink {
    private final LinkFd link;
    private final String what;
    private int perfFd;

    PerfLink(int linkFd, int perfFd, String what) {
        this.link = new LinkFd(linkFd, what, null);
        this.perfFd = perfFd;
        this.what = what;
    }

    KernelInfo.Link info() {
        return link.info();
    }

    void pin(Path path) {
        link.pin(path);
    }

    void unpin() {
        link.unpin();
    }

    /** Refused by the kernel for perf-event links: the exception says what to do instead ({@code attachCall}). */
    void update(BpfProgram program, String attachCall) {
        int r = link.update(program);
        if (r == -Errno.EINVAL || r == -Errno.EOPNOTSUPP) {
            throw new BpfException("update " + what + " to program " + program.name() + ": the kernel cannot swap the "
                    + "program of a perf-event link; attach the new program with " + attachCall
                    + ", then close this link", -r);
        }
        if (r < 0) {
            throw new BpfException("update " + what + " to program " + program.name(), -r);
        }
    }

    /** Closes the link and the perf event; a pinned link keeps the event alive in the kernel. */
    synchronized void close() {
        link.close();
        Native.closeQuietly(perfFd);
        perfFd = -1;
    }
}
