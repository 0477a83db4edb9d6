package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
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
    private static final List<Path> TRACEFS = List.of(Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing"));

    private final String tracepoint;
    private final PerfLink perf;

    private TracepointLink(String tracepoint, PerfLink link) {
        super(link);
        this.tracepoint = tracepoint;
        this.perf = link;
    }

    /** Attaches {@code prog} (a BPF_PROG_TYPE_TRACEPOINT program) to {@code category/name}. */
    public static TracepointLink attach(BpfProgram prog, String category, String name) {
        String tp = category + "/" + name;
        if (prog.type() != ProgType.TRACEPOINT) {
            throw new BpfException("program " + prog.name() + " is " + prog.type().kernelName()
                    + ", not a tracepoint program; it cannot attach to " + tp);
        }
        long id = tracepointId(category, name);
        // pid -1, cpu 0: the event is only a handle; the program runs on every CPU.
        int perfFd = PerfEvent.open(new PerfEvent.Attr(PerfEvent.PERF_TYPE_TRACEPOINT, id, null, 0, 1, 0), -1, 0,
                "tracepoint " + tp);
        int link = PerfEvent.link(prog, perfFd, 0, "tracepoint " + tp);
        return new TracepointLink(tp, new PerfLink(link, perfFd, "tracepoint link on " + tp));
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
        perf.update(program, "TracepointLink.attach");
    }

    @Override
    public String toString() {
        return "TracepointLink[" + tracepoint + "]";
    }
}
