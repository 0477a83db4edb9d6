package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.elf.ExecutableFile;
import io.jbpf.internal.sys.BpfAttr;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.ProgType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One kprobe-type program on several places of one executable or library in a single bpf_link
 * (BPF_TRACE_UPROBE_MULTI, Linux 6.6+): one system call and one fd however many functions, each
 * place with its own cookie, optionally for one process. The program must be loaded for it (a
 * {@code uprobe.multi} or {@code uretprobe.multi} section). Closing this detaches the program
 * unless the link is pinned; the kernel cannot swap its program. Thread-safe.
 *
 * <pre>{@code
 * try (UprobeMultiLink link = UprobeMultiLink.attach(prog, Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6"),
 *         List.of(UprobeTarget.function("malloc"), UprobeTarget.function("free")),
 *         UprobeMultiOptions.ENTRY.withCookies(1, 2))) { ... }
 * }</pre>
 */
public final class UprobeMultiLink extends KernelLink {
    private final Path binary;
    private final List<UprobeTarget> targets;
    private final List<Long> offsets;
    private final UprobeMultiOptions options;

    private UprobeMultiLink(Path binary, List<UprobeTarget> targets, List<Long> offsets, UprobeMultiOptions options,
                            LinkFd link) {
        super(link);
        this.binary = binary;
        this.targets = targets;
        this.offsets = offsets;
        this.options = options;
    }

    /**
     * Attaches {@code prog} at every one of {@code targets} (functions, places in functions, file
     * offsets) of {@code binary}; {@code options} give the kind, process and one cookie per target.
     */
    public static UprobeMultiLink attach(BpfProgram prog, Path binary, List<UprobeTarget> targets, UprobeMultiOptions options) {
        String what = (options.kind() == ProbeKind.RETURN ? "uretprobe_multi" : "uprobe_multi") + " on " + binary + ":"
                + targets + options.pid().stream().mapToObj(p -> " in process " + p).findFirst().orElse("");
        if (prog.type() != ProgType.KPROBE || prog.expectedAttachType() != AttachType.TRACE_UPROBE_MULTI) {
            throw new BpfException("program " + prog.name() + " is " + prog.type().kernelName() + " loaded for "
                    + (prog.expectedAttachType() == null ? "no attach type" : prog.expectedAttachType().kernelName())
                    + ", not a uprobe.multi program (" + ProgType.KPROBE.kernelName() + " loaded for "
                    + AttachType.TRACE_UPROBE_MULTI.kernelName() + ": SEC(\"uprobe.multi\")); it cannot attach to " + what);
        }
        if (targets.isEmpty()) {
            throw new BpfException("attach program " + prog.name() + " to " + what + ": no targets given");
        }
        if (!options.cookies().isEmpty() && options.cookies().size() != targets.size()) {
            throw new BpfException("attach program " + prog.name() + " to " + what + ": " + options.cookies().size()
                    + " cookies for " + targets.size() + " targets; give one cookie per target, or none");
        }
        if (!Files.isRegularFile(binary)) {
            throw new BpfException("attach program " + prog.name() + " to " + what + ": " + binary + " is no file");
        }
        ExecutableFile file = ExecutableFile.read(binary);
        long[] offs = new long[targets.size()];
        List<Long> offsetList = new ArrayList<>();
        for (int i = 0; i < offs.length; i++) {
            offs[i] = targets.get(i).resolve(file);
            offsetList.add(offs[i]);
        }
        long[] cookies = options.cookies().isEmpty() ? null
                : options.cookies().stream().mapToLong(Long::longValue).toArray();
        Path abs = binary.toAbsolutePath();
        int fd = BpfSyscall.linkCreateUprobeMulti(prog.fd(), abs.toString(), offs, cookies, options.pid().orElse(0),
                options.kind() == ProbeKind.RETURN ? BpfAttr.LinkCreateUprobeMulti.F_RETURN : 0);
        if (fd < 0) {
            throw new BpfException("attach program " + prog.name() + " to " + what + (fd == -Errno.EINVAL
                    ? " (uprobe_multi links need Linux 6.6+; on older kernels attach one UprobeLink per target)"
                    : fd == -Errno.ESRCH ? " (no such process)" : ""), -fd);
        }
        return new UprobeMultiLink(abs, List.copyOf(targets), List.copyOf(offsetList), options,
                new LinkFd(fd, what + " link", null));
    }

    /**
     * Attaches {@code prog} to every function of {@code binary} whose name matches the glob
     * {@code pattern} ({@code *}, {@code ?}; {@link ExecutableFile#functions}), in name order.
     * Cookies in {@code options} go with the functions in that order.
     */
    public static UprobeMultiLink attachMatching(BpfProgram prog, Path binary, String pattern, UprobeMultiOptions options) {
        List<UprobeTarget> targets = ExecutableFile.read(binary).functions(pattern).stream()
                .map(f -> UprobeTarget.function(f.name())).toList();
        return attach(prog, binary, targets, options);
    }

    /**
     * Attaches {@code prog} where its section says, as libbpf names them:
     * {@code uprobe.multi/<path>:<pattern>} or {@code uretprobe.multi/<path>:<pattern>}, the path
     * absolute ({@code uprobe.multi//usr/lib/x86_64-linux-gnu/libc.so.6:pthread_mutex_*}) or
     * relative to the working directory, the pattern a glob over the file's functions; for every
     * process, no cookies.
     */
    public static UprobeMultiLink attach(BpfProgram prog) {
        String sec = prog.section();
        ProbeKind kind = sec == null ? null : sec.startsWith("uprobe.multi/") ? ProbeKind.ENTRY
                : sec.startsWith("uretprobe.multi/") ? ProbeKind.RETURN : null;
        int colon = sec == null ? -1 : sec.lastIndexOf(':');
        int slash = sec == null ? -1 : sec.indexOf('/');
        if (kind == null || colon <= slash + 1 || colon == sec.length() - 1) {
            throw new BpfException("program " + prog.name() + " (section " + sec + ") does not name functions as "
                    + "uprobe.multi/<path>:<pattern> or uretprobe.multi/<path>:<pattern>; attach it with "
                    + "UprobeMultiLink.attach(prog, binary, targets, options)");
        }
        return attachMatching(prog, Path.of(sec.substring(slash + 1, colon)), sec.substring(colon + 1),
                kind == ProbeKind.ENTRY ? UprobeMultiOptions.ENTRY : UprobeMultiOptions.RETURN);
    }

    /** The probed file, as an absolute path. */
    public Path binary() {
        return binary;
    }

    /** The places probed, in the order given (or, for a pattern, in name order). */
    public List<UprobeTarget> targets() {
        return targets;
    }

    /** The file offsets the targets resolved to, in the same order. */
    public List<Long> offsets() {
        return offsets;
    }

    /** The kind, process filter and cookies the probes were placed with. */
    public UprobeMultiOptions options() {
        return options;
    }

    /**
     * Refused: the kernel cannot swap the program of a uprobe_multi link. Attach the new program
     * with {@link #attach}, then close this link.
     */
    @Override
    public void update(BpfProgram program) {
        int r = link.update(program);
        if (r < 0) {
            throw new BpfException("update uprobe_multi link on " + binary + " to program " + program.name()
                    + (r == -Errno.EINVAL || r == -Errno.EOPNOTSUPP ? ": the kernel cannot swap the program of a "
                    + "uprobe_multi link; attach the new program with UprobeMultiLink.attach, then close this link" : ""), -r);
        }
    }

    @Override
    public String toString() {
        return "UprobeMultiLink[" + (options.kind() == ProbeKind.RETURN ? "uretprobe " : "uprobe ") + binary + ":" + targets + "]";
    }
}
