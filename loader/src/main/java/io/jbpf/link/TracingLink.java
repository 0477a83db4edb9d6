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
 * A program that runs through a BPF trampoline, attached to what it was loaded for: fentry, fexit
 * and fmod_ret programs on their kernel function, lsm programs on their LSM hook, freplace programs
 * in place of a function of another program ({@link io.jbpf.LoadOptions#withFreplaceTarget}). The
 * target is fixed at load (its BTF id); this only switches the program on, through
 * BPF_RAW_TRACEPOINT_OPEN, which makes a tracing bpf_link. A kernel that refuses trampolines
 * already refuses the load, saying why. Closing this detaches the program unless the link is
 * pinned. Thread-safe.
 */
public final class TracingLink extends KernelLink {
    private final String target;

    private TracingLink(String target, LinkFd link) {
        super(link);
        this.target = target;
    }

    /**
     * Attaches {@code prog} (a fentry, fexit, fmod_ret, lsm or freplace program) to the target it
     * was loaded for. tp_btf programs, also BPF_PROG_TYPE_TRACING, attach with
     * {@link RawTracepointLink#attach(BpfProgram)}.
     */
    public static TracingLink attach(BpfProgram prog) {
        return attach(prog, TracingOptions.DEFAULTS);
    }

    /**
     * Attaches {@code prog} as {@link #attach(BpfProgram)} does, with the cookie {@code options}
     * give: a link with a cookie is made with BPF_LINK_CREATE (Linux 5.19+), which freplace
     * programs do not take.
     */
    public static TracingLink attach(BpfProgram prog, TracingOptions options) {
        String sec = prog.section();
        SectionDef def = sec == null ? null : SectionNames.classify(sec).orElse(null);
        boolean tracing = prog.type() == ProgType.TRACING;
        if (!tracing && prog.type() != ProgType.LSM && prog.type() != ProgType.EXT) {
            throw new BpfException("program " + prog.name() + " is " + prog.type().kernelName() + ", not a fentry, fexit, "
                    + "fmod_ret, lsm or freplace program; it cannot attach through a BPF trampoline");
        }
        if (tracing && def != null && def.expectedAttach() == AttachType.TRACE_RAW_TP) {
            throw new BpfException("program " + prog.name() + " (section " + sec + ") is a tp_btf program; attach it with "
                    + "RawTracepointLink.attach(prog)");
        }
        String target = sec == null ? "its load-time target" : sec;
        if (options.cookie() != 0 && (prog.type() == ProgType.EXT || prog.expectedAttachType() == null)) {
            throw new BpfException("attach program " + prog.name() + " to " + target + " with cookie " + options.cookie()
                    + ": freplace programs take no cookie; attach it with TracingOptions.DEFAULTS");
        }
        int fd = options.cookie() == 0 ? BpfSyscall.rawTracepointOpen(null, prog.fd())
                : BpfSyscall.linkCreateTracing(prog.fd(), prog.expectedAttachType().value, options.cookie());
        if (fd < 0) {
            throw new BpfException("attach program " + prog.name() + " to " + target
                    + (options.cookie() != 0 && fd == -Errno.EINVAL ? " with a cookie (tracing link cookies need Linux 5.19+)" : "")
                    + (fd == -Errno.EBUSY ? " (a freplace target function can carry one extension at a time)" : ""), -fd);
        }
        return new TracingLink(target, new LinkFd(fd, "tracing link " + target, null));
    }

    /** What the program attaches to, as its section names it ({@code fentry/do_sys_openat2}). */
    public String target() {
        return target;
    }

    /**
     * Refused by the kernel: a tracing link's program is fixed (its target was checked at load).
     * Load the new program for the same target, attach it, then close this link.
     */
    @Override
    public void update(BpfProgram program) {
        int r = link.update(program);
        if (r < 0) {
            throw new BpfException("update tracing link " + target + " to program " + program.name()
                    + (r == -Errno.EINVAL || r == -Errno.EOPNOTSUPP ? ": the kernel cannot swap the program of a tracing "
                    + "link; attach the new program with TracingLink.attach, then close this link" : ""), -r);
        }
    }

    @Override
    public String toString() {
        return "TracingLink[" + target + "]";
    }
}
