package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.common.Glob;
import io.jbpf.internal.sys.BpfAttr;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.ProgType;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * One kprobe-type program on many kernel functions in a single bpf_link
 * (BPF_TRACE_KPROBE_MULTI, Linux 5.18+, built on fprobe: CONFIG_FPROBE): one system call and one
 * fd for hundreds of functions, each with its own cookie. The functions are named, given by
 * address, or matched by a glob against the traceable functions (tracefs's
 * {@code available_filter_functions}, else {@code /proc/kallsyms}). The program must be loaded for
 * it (a {@code kprobe.multi} or {@code kretprobe.multi} section). Closing this detaches the program
 * unless the link is pinned; the kernel cannot swap its program. Thread-safe.
 *
 * <pre>{@code
 * try (KprobeMultiLink link = KprobeMultiLink.attach(prog, List.of("__x64_sys_getppid", "__x64_sys_getpgid"),
 *         KprobeMultiOptions.ENTRY.withCookies(1, 2))) { ... }
 * }</pre>
 */
public final class KprobeMultiLink extends KernelLink {
    private static final Path AVAILABLE_FUNCTIONS = Path.of("/sys/kernel/tracing/available_filter_functions");
    private static final Path KALLSYMS = Path.of("/proc/kallsyms");

    private final List<String> functions;
    private final KprobeMultiOptions options;

    private KprobeMultiLink(List<String> functions, KprobeMultiOptions options, LinkFd link) {
        super(link);
        this.functions = functions;
        this.options = options;
    }

    /**
     * Attaches {@code prog} to the kernel functions named {@code functions}; {@code options} give
     * the kind and one cookie per function, in the order given (the kernel wants the names
     * sorted: they are sorted here, each cookie kept with its function).
     */
    public static KprobeMultiLink attach(BpfProgram prog, List<String> functions, KprobeMultiOptions options) {
        String what = describe(options, functions.size() == 1 ? "kernel function " + functions.get(0)
                : functions.size() + " kernel functions " + abbreviate(functions));
        check(prog, functions.size(), options, what);
        Integer[] order = new Integer[functions.size()];
        Arrays.setAll(order, i -> i);
        // The kernel binary-searches the names in byte order (strcmp): sort them so, cookies alongside.
        Comparator<Integer> byName = Comparator.comparing(i -> functions.get(i).getBytes(StandardCharsets.UTF_8),
                Arrays::compareUnsigned);
        Arrays.sort(order, byName);
        String[] names = new String[order.length];
        long[] cookies = options.cookies().isEmpty() ? null : new long[order.length];
        for (int i = 0; i < order.length; i++) {
            names[i] = functions.get(order[i]);
            if (cookies != null) {
                cookies[i] = options.cookies().get(order[i]);
            }
        }
        int fd = BpfSyscall.linkCreateKprobeMulti(prog.fd(), names, null, cookies, flags(options));
        return new KprobeMultiLink(List.copyOf(functions), options, new LinkFd(created(prog, fd, what), what + " link", null));
    }

    /** Attaches {@code prog} to the kernel functions at {@code addresses} (from /proc/kallsyms, as root). */
    public static KprobeMultiLink attachAddresses(BpfProgram prog, List<Long> addresses, KprobeMultiOptions options) {
        String what = describe(options, addresses.size() + " kernel addresses "
                + abbreviate(addresses.stream().map(a -> "0x" + Long.toHexString(a)).toList()));
        check(prog, addresses.size(), options, what);
        long[] addrs = addresses.stream().mapToLong(Long::longValue).toArray();
        long[] cookies = options.cookies().isEmpty() ? null : options.cookies().stream().mapToLong(Long::longValue).toArray();
        int fd = BpfSyscall.linkCreateKprobeMulti(prog.fd(), null, addrs, cookies, flags(options));
        return new KprobeMultiLink(List.of(), options, new LinkFd(created(prog, fd, what), what + " link", null));
    }

    /**
     * Attaches {@code prog} to every traceable kernel function whose name matches the glob
     * {@code pattern} ({@link #functionsMatching}); cookies in {@code options} go with the
     * functions in name order.
     */
    public static KprobeMultiLink attachMatching(BpfProgram prog, String pattern, KprobeMultiOptions options) {
        List<String> functions;
        try {
            functions = functionsMatching(pattern);
        } catch (BpfException e) {
            throw new BpfException("attach program " + prog.name() + ": " + e.getMessage(), e);
        }
        return attach(prog, functions, options);
    }

    /**
     * Attaches {@code prog} where its section says, as libbpf names them:
     * {@code kprobe.multi/<pattern>} or {@code kretprobe.multi/<pattern>}, the pattern a glob over
     * the kernel's traceable functions; no cookies.
     */
    public static KprobeMultiLink attach(BpfProgram prog) {
        String sec = prog.section();
        ProbeKind kind = sec == null ? null : sec.startsWith("kprobe.multi/") ? ProbeKind.ENTRY
                : sec.startsWith("kretprobe.multi/") ? ProbeKind.RETURN : null;
        if (kind == null || sec.indexOf('/') == sec.length() - 1) {
            throw new BpfException("program " + prog.name() + " (section " + sec + ") does not name kernel functions as "
                    + "kprobe.multi/<pattern> or kretprobe.multi/<pattern>; attach it with "
                    + "KprobeMultiLink.attach(prog, functions, options)");
        }
        return attachMatching(prog, sec.substring(sec.indexOf('/') + 1),
                kind == ProbeKind.ENTRY ? KprobeMultiOptions.ENTRY : KprobeMultiOptions.RETURN);
    }

    /**
     * The traceable kernel functions whose names match {@code pattern} ({@code *}, {@code ?}),
     * sorted, each once: from tracefs's {@code available_filter_functions} (what ftrace, and so
     * fprobe, can hook), or from the text symbols of {@code /proc/kallsyms} where that file cannot
     * be read (some of those may be untraceable: the attach then fails).
     *
     * @throws BpfException when nothing matches or neither file can be read
     */
    public static List<String> functionsMatching(String pattern) {
        TreeSet<String> found = scan(pattern, functionList());
        if (found.isEmpty()) {
            throw new BpfException("no kernel function in " + functionList() + " matches '" + pattern + "'");
        }
        return List.copyOf(found);
    }

    /**
     * Whether {@code name} is a text symbol in {@code /proc/kallsyms}: what a kprobe can name (ftrace's
     * list leaves out some of them, the syscall wrappers on 6.1 among them).
     */
    static boolean isKernelText(String name) {
        return !scan(name, KALLSYMS).isEmpty();
    }

    private static Path functionList() {
        return Files.isReadable(AVAILABLE_FUNCTIONS) && readable(AVAILABLE_FUNCTIONS) ? AVAILABLE_FUNCTIONS : KALLSYMS;
    }

    private static TreeSet<String> scan(String pattern, Path source) {
        TreeSet<String> found = new TreeSet<>();
        // a plain name is compared, not matched: the lists have 100,000 lines and more
        boolean plain = pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0;
        try (BufferedReader r = Files.newBufferedReader(source, StandardCharsets.US_ASCII)) {
            String line;
            while ((line = r.readLine()) != null) {
                String name;
                if (source == KALLSYMS) {
                    // "address type name [module]": text symbols only (t or T)
                    String[] f = line.split("\\s+");
                    if (f.length < 3 || !(f[1].equals("t") || f[1].equals("T"))) {
                        continue;
                    }
                    name = f[2];
                } else {
                    int space = line.indexOf(' ');
                    name = space < 0 ? line : line.substring(0, space);
                }
                if (plain ? name.equals(pattern) : Glob.matches(pattern, name)) {
                    found.add(name);
                }
            }
        } catch (IOException e) {
            throw new BpfException("cannot read " + source + " to find the kernel functions matching '" + pattern + "': "
                    + e.getMessage(), e);
        }
        return found;
    }

    /** Whether the file opens: tracefs's function list is EPERM under lockdown though its mode allows reading. */
    private static boolean readable(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            r.read();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String describe(KprobeMultiOptions options, String targets) {
        return (options.kind() == ProbeKind.RETURN ? "kretprobe_multi" : "kprobe_multi") + " on " + targets;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 4 ? names.toString() : names.subList(0, 4).toString().replace("]", ", ...]");
    }

    private static int flags(KprobeMultiOptions options) {
        return options.kind() == ProbeKind.RETURN ? BpfAttr.LinkCreateKprobeMulti.F_RETURN : 0;
    }

    private static void check(BpfProgram prog, int count, KprobeMultiOptions options, String what) {
        if (prog.type() != ProgType.KPROBE || prog.expectedAttachType() != AttachType.TRACE_KPROBE_MULTI) {
            throw new BpfException("program " + prog.name() + " is " + prog.type().kernelName() + " loaded for "
                    + (prog.expectedAttachType() == null ? "no attach type" : prog.expectedAttachType().kernelName())
                    + ", not a kprobe.multi program (" + ProgType.KPROBE.kernelName() + " loaded for "
                    + AttachType.TRACE_KPROBE_MULTI.kernelName() + ": SEC(\"kprobe.multi\")); it cannot attach to " + what);
        }
        if (count == 0) {
            throw new BpfException("attach program " + prog.name() + " to " + what + ": no functions given");
        }
        if (!options.cookies().isEmpty() && options.cookies().size() != count) {
            throw new BpfException("attach program " + prog.name() + " to " + what + ": " + options.cookies().size()
                    + " cookies for " + count + " functions; give one cookie per function, or none");
        }
    }

    /** The link fd, or the reason the kernel gave, in words. */
    private static int created(BpfProgram prog, int fd, String what) {
        if (fd >= 0) {
            return fd;
        }
        String why = "";
        if (fd == -Errno.EOPNOTSUPP) {
            boolean kprobes = PerfEvent.pmuType("kprobe") >= 0 || Files.exists(Path.of("/sys/kernel/tracing/kprobe_events"));
            why = kprobes
                    ? ": this kernel has no fprobes (CONFIG_FPROBE), which kprobe_multi links are built on; attach one "
                    + "KprobeLink per function instead"
                    : ": this kernel has no kprobes (CONFIG_KPROBES), nor the fprobes (CONFIG_FPROBE) kprobe_multi links "
                    + "are built on";
        } else if (fd == -Errno.ESRCH || fd == -Errno.ENOENT) {
            why = ": a function is not traceable (not in " + AVAILABLE_FUNCTIONS + ") or does not exist";
        } else if (fd == -Errno.EINVAL) {
            why = " (kprobe_multi links need Linux 5.18+)";
        }
        throw new BpfException("attach program " + prog.name() + " to " + what + why, -fd);
    }

    /** The kernel functions probed, as given (empty when attached by address). */
    public List<String> functions() {
        return functions;
    }

    /** The kind and cookies the probes were placed with. */
    public KprobeMultiOptions options() {
        return options;
    }

    /**
     * Refused: the kernel cannot swap the program of a kprobe_multi link. Attach the new program
     * with {@link #attach}, then close this link.
     */
    @Override
    public void update(BpfProgram program) {
        int r = link.update(program);
        if (r < 0) {
            throw new BpfException("update kprobe_multi link to program " + program.name()
                    + (r == -Errno.EINVAL || r == -Errno.EOPNOTSUPP ? ": the kernel cannot swap the program of a "
                    + "kprobe_multi link; attach the new program with KprobeMultiLink.attach, then close this link" : ""), -r);
        }
    }

    @Override
    public String toString() {
        return "KprobeMultiLink[" + (options.kind() == ProbeKind.RETURN ? "kretprobe " : "kprobe ")
                + abbreviate(functions) + "]";
    }
}
