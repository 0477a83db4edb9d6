package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Native;
import io.jbpf.uapi.Errno;

/**
 * What every link over a perf event (uprobe, kprobe, software event) holds: the BPF link and the
 * perf event's fd, with the answers they share. The kernel cannot swap the program of such a link.
 * Thread-safe.
 */
final class PerfLink extends LinkFd {
    private final String what;
    private int perfFd;

    PerfLink(int linkFd, int perfFd, String what) {
        super(linkFd, what, null);
        this.perfFd = perfFd;
        this.what = what;
    }

    /** Refused by the kernel for perf-event links: the exception says what to do instead ({@code attachCall}). */
    void update(BpfProgram program, String attachCall) {
        int r = update(program);
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
    @Override
    synchronized void close() {
        super.close();
        Native.closeQuietly(perfFd);
        perfFd = -1;
    }
}
