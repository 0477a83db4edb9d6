package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.elf.ExecutableFile;
import io.jbpf.uapi.ProgType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A kprobe-type program attached to a function of a user program or library (a uprobe, or a
 * uretprobe on return): a perf event of the kernel's uprobe PMU
 * ({@code /sys/bus/event_source/devices/uprobe}) placed at the function's file offset, which
 * {@link UprobeTarget#resolve} computes from the file, and a BPF link from the program to it,
 * carrying the {@link UprobeOptions#cookie() cookie} the program reads. The probe is on the file:
 * every process that maps it hits it, unless {@link UprobeOptions#pid()} names one. Closing this detaches the program unless the link is
 * pinned; the kernel cannot swap its program ({@link #update} is refused). Thread-safe.
 *
 * <pre>{@code
 * try (UprobeLink link = UprobeLink.attach(prog, Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6"),
 *         UprobeTarget.function("getppid"), UprobeOptions.ENTRY.withCookie(7))) { ... }
 * }</pre>
 */
public final class UprobeLink extends KernelLink {
    private static final String PMU = "uprobe";

    private final Path binary;
    private final long offset;
    private final UprobeOptions options;
    private final PerfLink perf;

    private UprobeLink(Path binary, long offset, UprobeOptions options, PerfLink link) {
        super(link);
        this.binary = binary;
        this.offset = offset;
        this.options = options;
        this.perf = link;
    }

    /**
     * Attaches {@code prog} at {@code target} (a function, a place inside one, or a file offset)
     * of the executable or library {@code binary}.
     *
     * @throws BpfException when the file has no such function, an offset lies past the end of its
     *                      function, or the kernel refuses the probe
     */
    public static UprobeLink attach(BpfProgram prog, Path binary, UprobeTarget target, UprobeOptions options) {
        String where = binary + ":" + target;
        checkType(prog, where);
        long offset = target.resolve(ExecutableFile.read(binary));
        return open(prog, binary, offset, options, where);
    }

    /**
     * Attaches {@code prog} where its section says, as libbpf names them:
     * {@code uprobe/<path>:<target>} or {@code uretprobe/<path>:<target>}, the path absolute
     * ({@code uprobe//usr/lib/x86_64-linux-gnu/libc.so.6:getppid}) or relative to the working
     * directory, the target a function, {@code <function>+<offset>} ({@code jtr_work+0x4}) or a
     * file offset ({@link UprobeTarget#parse}); for every process.
     */
    public static UprobeLink attach(BpfProgram prog) {
        String sec = prog.section();
        ProbeKind kind = sec == null ? null : sec.startsWith("uprobe/") ? ProbeKind.ENTRY
                : sec.startsWith("uretprobe/") ? ProbeKind.RETURN : null;
        int colon = sec == null ? -1 : sec.lastIndexOf(':');
        int slash = sec == null ? -1 : sec.indexOf('/');
        if (kind == null || colon <= slash + 1 || colon == sec.length() - 1) {
            throw new BpfException("program " + prog.name() + " (section " + sec + ") does not name a function as "
                    + "uprobe/<path>:<function>[+<offset>] or uretprobe/<path>:<function>[+<offset>]; attach it with "
                    + "UprobeLink.attach(prog, binary, target, options)"
                    + (sec != null && sec.contains(".multi") ? " (uprobe.multi sections attach with UprobeMultiLink.attach)" : ""));
        }
        return attach(prog, Path.of(sec.substring(slash + 1, colon)), UprobeTarget.parse(sec.substring(colon + 1)),
                kind == ProbeKind.ENTRY ? UprobeOptions.ENTRY : UprobeOptions.RETURN);
    }

    private static void checkType(BpfProgram prog, String where) {
        if (prog.type() != ProgType.KPROBE) {
            throw new BpfException("program " + prog.name() + " is " + prog.type().kernelName() + ", not a "
                    + ProgType.KPROBE.kernelName() + " program (SEC(\"uprobe\")); it cannot attach to " + where);
        }
    }

    private static UprobeLink open(BpfProgram prog, Path binary, long offset, UprobeOptions options, String where) {
        String what = (options.kind() == ProbeKind.RETURN ? "uretprobe" : "uprobe") + " on " + where
                + options.pid().stream().mapToObj(p -> " in process " + p).findFirst().orElse("");
        int type = PerfEvent.pmuType(PMU);
        if (type < 0) {
            throw new BpfException("attach program " + prog.name() + " to " + what + ": this kernel has no uprobe PMU ("
                    + PerfEvent.PMU_DIR.resolve(PMU) + "; it needs CONFIG_UPROBE_EVENTS)");
        }
        if (!Files.isRegularFile(binary)) {
            throw new BpfException("attach program " + prog.name() + " to " + what + ": " + binary + " is no file");
        }
        long config = options.kind() == ProbeKind.RETURN ? PerfEvent.retprobeBit(PMU) : 0;
        Path abs = binary.toAbsolutePath();
        // A process-wide event may sit on any one CPU: the kernel runs the program wherever the probe is hit.
        int pid = options.pid().orElse(-1);
        int perfFd = PerfEvent.open(new PerfEvent.Attr(type, config, abs.toString(), offset, 1, 0), pid,
                pid < 0 ? 0 : -1, what);
        int linkFd = PerfEvent.link(prog, perfFd, options.cookie(), what);
        return new UprobeLink(abs, offset, options, new PerfLink(linkFd, perfFd, what + " link"));
    }

    /** The probed file, as an absolute path. */
    public Path binary() {
        return binary;
    }

    /** Where in the file the probe is: the file offset its target resolved to. */
    public long offset() {
        return offset;
    }

    /** Entry (uprobe) or return (uretprobe). */
    public ProbeKind kind() {
        return options.kind();
    }

    /** The kind, process filter and cookie the probe was placed with. */
    public UprobeOptions options() {
        return options;
    }

    /**
     * Refused by the kernel, which cannot swap the program of a perf-event link: attach the new
     * program with {@link #attach}, then close this link (both run for that moment, never none).
     */
    @Override
    public void update(BpfProgram program) {
        perf.update(program, "UprobeLink.attach");
    }

    @Override
    public String toString() {
        return "UprobeLink[" + (options.kind() == ProbeKind.RETURN ? "uretprobe " : "uprobe ") + binary + " at 0x"
                + Long.toHexString(offset) + "]";
    }
}
