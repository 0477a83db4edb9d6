package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Arch;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.ProgType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A tracepoint program attached to a kernel tracepoint ({@code syscalls/sys_enter_getpid}):
 * a perf event opened on the tracepoint's id, and a BPF link from the program to it. Closing it
 * detaches the program unless the link is pinned (the link keeps the perf event alive then).
 * Unlike XDP over netlink, the attachment lasts only while this is open or pinned. The kernel
 * cannot swap the program of a perf-event link: {@link #update} is refused. Thread-safe.
 */
public final class TracepointLink extends KernelLink {
    private static final long SYS_PERF_EVENT_OPEN = Arch.current().sysPerfEventOpen;
    private static final int PERF_TYPE_TRACEPOINT = 2;
    private static final int PERF_ATTR_SIZE = 128;
    private static final long PERF_FLAG_FD_CLOEXEC = 8;
    private static final List<Path> TRACEFS = List.of(Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing"));

    private final String tracepoint;
    private int perfFd;

    private TracepointLink(String tracepoint, int perfFd, LinkFd link) {
        super(link);
        this.tracepoint = tracepoint;
        this.perfFd = perfFd;
    }

    /** Attaches {@code prog} (a BPF_PROG_TYPE_TRACEPOINT program) to {@code category/name}. */
    public static TracepointLink attach(BpfProgram prog, String category, String name) {
        String tp = category + "/" + name;
        if (prog.type() != ProgType.TRACEPOINT) {
            throw new BpfException("program " + prog.name() + " is " + prog.type().kernelName()
                    + ", not a tracepoint program; it cannot attach to " + tp);
        }
        long id = tracepointId(category, name);
        NativeMemory attr = Native.allocate(PERF_ATTR_SIZE);
        attr.putInt(0, PERF_TYPE_TRACEPOINT);
        attr.putInt(4, PERF_ATTR_SIZE);
        attr.putLong(8, id);
        attr.putLong(16, 1); // sample_period
        attr.putInt(48, 1); // wakeup_events
        // pid -1, cpu 0: the event is only a handle; the program runs on every CPU.
        long pfd = LibC.syscall(SYS_PERF_EVENT_OPEN, attr.address(), -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
        java.lang.ref.Reference.reachabilityFence(attr);
        if (pfd < 0) {
            throw new BpfException("perf_event_open for tracepoint " + tp, Native.errno());
        }
        int link = BpfSyscall.linkCreate(prog.fd(), (int) pfd, AttachType.PERF_EVENT.value, 0);
        if (link < 0) {
            Native.closeQuietly((int) pfd);
            throw new BpfException("attach program " + prog.name() + " to tracepoint " + tp, -link);
        }
        return new TracepointLink(tp, (int) pfd, new LinkFd(link, "tracepoint link on " + tp, null));
    }

    /** Attaches to the tracepoint its section names: {@code tracepoint/<category>/<name>} or {@code tp/...}. */
    public static TracepointLink attach(BpfProgram prog) {
        String sec = prog.section();
        String[] parts = sec == null ? new String[0] : sec.split("/");
        if (parts.length != 3 || !(parts[0].equals("tracepoint") || parts[0].equals("tp"))) {
            throw new BpfException("program " + prog.name() + " (section " + sec + ") does not name a tracepoint as "
                    + "tracepoint/<category>/<name>");
        }
        return attach(prog, parts[1], parts[2]);
    }

    private static long tracepointId(String category, String name) {
        for (Path root : TRACEFS) {
            Path id = root.resolve("events").resolve(category).resolve(name).resolve("id");
            if (Files.isReadable(id)) {
                try {
                    return Long.parseLong(Files.readString(id).trim());
                } catch (IOException | NumberFormatException e) {
                    throw new BpfException("cannot read " + id + ": " + e.getMessage());
                }
            }
        }
        throw new BpfException("tracepoint " + category + "/" + name + " not found under " + TRACEFS
                + " (is tracefs mounted: mount -t tracefs tracefs /sys/kernel/tracing?)");
    }

    /** The tracepoint as {@code category/name}. */
    public String tracepoint() {
        return tracepoint;
    }

    /**
     * Refused by the kernel, which cannot swap the program of a perf-event link: the
     * {@link BpfException} says so. Attach the new program and close this link instead; the
     * tracepoint runs both programs for that moment, never none.
     */
    @Override
    public void update(BpfProgram program) {
        int r = link.update(program);
        if (r == -Errno.EINVAL || r == -Errno.EOPNOTSUPP) {
            throw new BpfException("update tracepoint link on " + tracepoint + " to program " + program.name()
                    + ": the kernel cannot swap the program of a perf-event link; attach the new program with "
                    + "TracepointLink.attach, then close this link", -r);
        }
        if (r < 0) {
            throw new BpfException("update tracepoint link on " + tracepoint + " to program " + program.name(), -r);
        }
    }

    /** Closes the link and the perf event; the program stays attached only if the link is pinned. */
    @Override
    public synchronized void close() {
        link.close();
        Native.closeQuietly(perfFd);
        perfFd = -1;
    }

    @Override
    public String toString() {
        return "TracepointLink[" + tracepoint + "]";
    }
}
