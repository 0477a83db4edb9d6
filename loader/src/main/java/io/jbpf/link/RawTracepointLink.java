package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.spec.SectionDef;
import io.jbpf.spec.SectionNames;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.ProgType;

/**
 * A program attached to a raw tracepoint ({@code sys_enter}, {@code sched_switch}): a
 * {@code raw_tp/<name>} program (BPF_PROG_TYPE_RAW_TRACEPOINT), which gets the tracepoint's
 * arguments as u64s, or a {@code tp_btf/<name>} program (BPF_PROG_TYPE_TRACING), which gets them
 * typed and was loaded for its tracepoint. Both through BPF_RAW_TRACEPOINT_OPEN, which makes a
 * raw_tracepoint bpf_link. Unlike {@link TracepointLink} no perf event is involved, and the name
 * has no category. The kernel cannot swap the program ({@link #update} is refused). Thread-safe.
 */
public final class RawTracepointLink extends KernelLink {
    private final String tracepoint;

    private RawTracepointLink(String tracepoint, LinkFd link) {
        super(link);
        this.tracepoint = tracepoint;
    }

    /** Attaches a raw tracepoint program ({@code raw_tp}, {@code raw_tp.w}) to raw tracepoint {@code tracepoint}. */
    public static RawTracepointLink attach(BpfProgram prog, String tracepoint) {
        if (prog.type() != ProgType.RAW_TRACEPOINT && prog.type() != ProgType.RAW_TRACEPOINT_WRITABLE) {
            throw new BpfException("program " + prog.name() + " is " + prog.type().kernelName() + ", not a raw tracepoint "
                    + "program; it cannot attach to raw tracepoint " + tracepoint
                    + (prog.type() == ProgType.TRACING ? " by name (a tp_btf program attaches with RawTracepointLink.attach(prog))" : ""));
        }
        return open(prog, tracepoint, tracepoint);
    }

    /**
     * Attaches to the tracepoint its section names: {@code raw_tp/<name>} or
     * {@code raw_tracepoint/<name>}, or a {@code tp_btf/<name>} program to the tracepoint it was
     * loaded for.
     */
    public static RawTracepointLink attach(BpfProgram prog) {
        String sec = prog.section();
        int slash = sec == null ? -1 : sec.indexOf('/');
        String name = slash < 0 ? "" : sec.substring(slash + 1);
        if (prog.type() == ProgType.TRACING) {
            SectionDef def = sec == null ? null : SectionNames.classify(sec).orElse(null);
            if (def == null || def.expectedAttach() != AttachType.TRACE_RAW_TP) {
                throw new BpfException("program " + prog.name() + " (section " + sec + ") is a tracing program but not "
                        + "tp_btf/<tracepoint>; fentry, fexit and fmod_ret programs attach with TracingLink.attach");
            }
            // The tracepoint came with the load (attach_btf_id): the kernel takes no name here.
            return open(prog, null, name);
        }
        if (name.isEmpty() || !(sec.startsWith("raw_tp") || sec.startsWith("raw_tracepoint"))) {
            throw new BpfException("program " + prog.name() + " (section " + sec + ") does not name a raw tracepoint "
                    + "as raw_tp/<name>; attach it with RawTracepointLink.attach(prog, name)");
        }
        return attach(prog, name);
    }

    private static RawTracepointLink open(BpfProgram prog, String name, String tracepoint) {
        int fd = BpfSyscall.rawTracepointOpen(name, prog.fd());
        if (fd < 0) {
            String hint = fd == -Errno.ENOENT ? " (no such raw tracepoint; the names are those of "
                    + "/sys/kernel/tracing/events/*/*, without the category)" : "";
            throw new BpfException("attach program " + prog.name() + " to raw tracepoint " + tracepoint + hint, -fd);
        }
        return new RawTracepointLink(tracepoint, new LinkFd(fd, "raw tracepoint link on " + tracepoint, null));
    }

    /** The raw tracepoint's name ({@code sys_enter}). */
    public String tracepoint() {
        return tracepoint;
    }

    /**
     * Refused by the kernel, which cannot swap the program of a raw tracepoint link: attach the new
     * program, then close this link.
     */
    @Override
    public void update(BpfProgram program) {
        int r = link.update(program);
        if (r < 0) {
            throw new BpfException("update raw tracepoint link on " + tracepoint + " to program " + program.name()
                    + (r == -Errno.EINVAL || r == -Errno.EOPNOTSUPP ? ": the kernel cannot swap the program of a raw "
                    + "tracepoint link; attach the new program with RawTracepointLink.attach, then close this link" : ""), -r);
        }
    }

    @Override
    public String toString() {
        return "RawTracepointLink[" + tracepoint + "]";
    }
}
