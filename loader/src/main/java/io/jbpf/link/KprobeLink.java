package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Arch;
import io.jbpf.uapi.ProgType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A kprobe-type program attached to a kernel function (a kprobe, or a kretprobe on return), as
 * libbpf does it: a perf event of the kernel's kprobe PMU ({@code /sys/bus/event_source/devices/kprobe},
 * Linux 4.17+) naming the function, or, where that PMU is missing, a probe event written to
 * tracefs's {@code kprobe_events} and opened as a tracepoint (removed again on close). A kernel
 * built without CONFIG_KPROBES has neither: {@link #attach} then says so. Closing this detaches the
 * program unless the link is pinned; the kernel cannot swap its program. Thread-safe.
 */
public final class KprobeLink extends KernelLink {
    private static final String PMU = "kprobe";
    private static final Path TRACEFS = Path.of("/sys/kernel/tracing");
    private static final AtomicInteger EVENTS = new AtomicInteger();

    private final String function;
    private final KprobeOptions options;
    private final PerfLink perf;
    /** The tracefs probe event this link made ("kprobes/jbpf_..."), removed on close; null with the PMU. */
    private String tracefsEvent;

    private KprobeLink(String function, KprobeOptions options, PerfLink link, String tracefsEvent) {
        super(link);
        this.function = function;
        this.options = options;
        this.perf = link;
        this.tracefsEvent = tracefsEvent;
    }

    /**
     * Attaches {@code prog} (a BPF_PROG_TYPE_KPROBE program) to kernel function {@code function},
     * on entry or return, with the cookie {@code options} give.
     */
    public static KprobeLink attach(BpfProgram prog, String function, KprobeOptions options) {
        ProbeKind kind = options.kind();
        String what = (kind == ProbeKind.RETURN ? "kretprobe" : "kprobe") + " on kernel function " + function;
        if (prog.type() != ProgType.KPROBE) {
            throw new BpfException("program " + prog.name() + " is " + prog.type().kernelName() + ", not a "
                    + ProgType.KPROBE.kernelName() + " program; it cannot attach to " + what);
        }
        int type = PerfEvent.pmuType(PMU);
        if (type >= 0) {
            long config = kind == ProbeKind.RETURN ? PerfEvent.retprobeBit(PMU) : 0;
            int perfFd = PerfEvent.open(new PerfEvent.Attr(type, config, function, 0, 1, 0), -1, 0, what);
            int linkFd = PerfEvent.link(prog, perfFd, options.cookie(), what);
            return new KprobeLink(function, options, new PerfLink(linkFd, perfFd, what + " link"), null);
        }
        Path events = TRACEFS.resolve("kprobe_events");
        if (!Files.exists(events)) {
            throw new BpfException("attach program " + prog.name() + " to " + what + ": this kernel has no kprobes "
                    + "(CONFIG_KPROBES): neither the kprobe PMU (" + PerfEvent.PMU_DIR.resolve(PMU) + ") nor tracefs's "
                    + events + " exists");
        }
        return viaTracefs(prog, function, options, what, events);
    }

    /**
     * Attaches to the function its section names: {@code kprobe/<function>}, {@code kretprobe/<function>},
     * or libbpf's {@code ksyscall/<syscall>} and {@code kretsyscall/<syscall>}, whose function is the
     * one {@link #syscallFunction} finds.
     */
    public static KprobeLink attach(BpfProgram prog) {
        String sec = prog.section();
        ProbeKind kind = sec == null ? null : sec.startsWith("kprobe/") || sec.startsWith("ksyscall/") ? ProbeKind.ENTRY
                : sec.startsWith("kretprobe/") || sec.startsWith("kretsyscall/") ? ProbeKind.RETURN : null;
        if (kind == null || sec.indexOf('/') == sec.length() - 1) {
            throw new BpfException("program " + prog.name() + " (section " + sec + ") does not name a kernel function as "
                    + "kprobe/<function> or kretprobe/<function>, or a syscall as ksyscall/<syscall> or kretsyscall/<syscall>; "
                    + "attach it with KprobeLink.attach(prog, function, options)"
                    + (sec != null && sec.contains(".multi") ? " (kprobe.multi sections attach with KprobeMultiLink.attach)" : ""));
        }
        String target = sec.substring(sec.indexOf('/') + 1);
        boolean syscall = sec.startsWith("ksyscall/") || sec.startsWith("kretsyscall/");
        String function = syscall ? syscallFunction(target) : target;
        return attach(prog, function, kind == ProbeKind.ENTRY ? KprobeOptions.ENTRY : KprobeOptions.RETURN);
    }

    /**
     * The kernel function that runs system call {@code syscall} (say {@code "sync"}), as bcc's
     * {@code get_syscall_fnname} and libbpf's {@code ksyscall} sections find it: the architecture's
     * wrapper {@code __x64_sys_sync} where the kernel wraps syscalls (x86-64 and arm64 since 4.17),
     * else {@code sys_sync}. Looked up in {@code /proc/kallsyms}.
     *
     * @throws BpfException when the kernel has neither
     */
    public static String syscallFunction(String syscall) {
        String wrapper = "__" + Arch.current().syscallPrefix + "_sys_" + syscall;
        for (String name : List.of(wrapper, "sys_" + syscall)) {
            if (KprobeMultiLink.isKernelText(name)) {
                return name;
            }
        }
        throw new BpfException("no kernel function runs system call '" + syscall + "': neither " + wrapper + " nor sys_"
                + syscall + " is in /proc/kallsyms (is '" + syscall + "' a system call on this architecture?)");
    }

    /** The legacy path: a named probe event in tracefs, then a tracepoint perf event on its id. */
    private static KprobeLink viaTracefs(BpfProgram prog, String function, KprobeOptions options, String what, Path events) {
        ProbeKind kind = options.kind();
        String name = "jbpf_" + ProcessHandle.current().pid() + "_" + EVENTS.incrementAndGet();
        String event = "kprobes/" + name;
        write(events, (kind == ProbeKind.RETURN ? "r:" : "p:") + event + " " + function, what);
        try {
            Path idFile = TRACEFS.resolve("events").resolve(event).resolve("id");
            long id = Long.parseLong(Files.readString(idFile).strip());
            int perfFd = PerfEvent.open(new PerfEvent.Attr(PerfEvent.PERF_TYPE_TRACEPOINT, id, null, 0, 1, 0), -1, 0, what);
            int linkFd = PerfEvent.link(prog, perfFd, options.cookie(), what);
            return new KprobeLink(function, options, new PerfLink(linkFd, perfFd, what + " link"), event);
        } catch (IOException | NumberFormatException | BpfException e) {
            removeEvent(event);
            throw e instanceof BpfException b ? b : new BpfException("attach program " + prog.name() + " to " + what
                    + ": cannot read the id of probe event " + event + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path events, String line, String what) {
        try {
            Files.writeString(events, line + "\n", StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new BpfException("attach to " + what + ": the kernel refused probe event '" + line + "' in " + events
                    + " (is the function traceable? see " + TRACEFS.resolve("available_filter_functions") + "): "
                    + e.getMessage(), e);
        }
    }

    private static void removeEvent(String event) {
        try {
            Files.writeString(TRACEFS.resolve("kprobe_events"), "-:" + event + "\n", StandardCharsets.US_ASCII,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // still in use (a pinned link holds it) or gone: nothing more to undo here
        }
    }

    /** The kernel function probed. */
    public String function() {
        return function;
    }

    /** Entry (kprobe) or return (kretprobe). */
    public ProbeKind kind() {
        return options.kind();
    }

    /** The kind and cookie the probe was placed with. */
    public KprobeOptions options() {
        return options;
    }

    /**
     * Refused by the kernel, which cannot swap the program of a perf-event link: attach the new
     * program with {@link #attach}, then close this link.
     */
    @Override
    public void update(BpfProgram program) {
        perf.update(program, "KprobeLink.attach");
    }

    /**
     * Closes the link and the perf event, and removes the tracefs probe event if this link made
     * one; a pinned link keeps the program (and that event) attached.
     */
    @Override
    public synchronized void close() {
        super.close();
        if (tracefsEvent != null) {
            removeEvent(tracefsEvent);
            tracefsEvent = null;
        }
    }

    @Override
    public String toString() {
        return "KprobeLink[" + (options.kind() == ProbeKind.RETURN ? "kretprobe " : "kprobe ") + function + "]";
    }
}
