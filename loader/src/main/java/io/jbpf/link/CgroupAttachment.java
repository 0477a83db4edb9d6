package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfAttr;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.LinkType;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * A program attached to a cgroup v2 hook with {@code BPF_PROG_ATTACH}, as
 * {@code bpftool cgroup attach} does: the cgroup holds the program, so the attachment outlives
 * this object and the JVM until it is detached. {@link #close()} detaches it (BPF_PROG_DETACH
 * naming this program, so closing never removes a program someone else attached). The
 * {@link CgroupAttachMode} says how it shares the hook with other programs, and
 * {@link #replace} swaps a given program of a multi list in place. There is no kernel link object
 * behind it: it cannot be pinned ({@link CgroupLink} attaches through a link that can).
 * This object keeps its own reference to the program, so closing the {@link BpfProgram} does
 * not stop it from detaching. Thread-safe.
 */
public final class CgroupAttachment implements Link {
    private final Path cgroup;
    private final AttachType attachType;
    private final CgroupAttachMode mode;
    private int progFd;
    private int progId;

    private CgroupAttachment(Path cgroup, AttachType attachType, CgroupAttachMode mode, int progFd, int progId) {
        this.cgroup = cgroup;
        this.attachType = attachType;
        this.mode = mode;
        this.progFd = progFd;
        this.progId = progId;
    }

    /**
     * Attaches {@code prog} in {@code mode} to the hook its section names ({@code cgroup_skb/egress},
     * {@code cgroup/sysctl} ...) of the cgroup v2 directory {@code cgroup}.
     *
     * @throws BpfException when the section names no cgroup hook (use
     *                      {@link #attach(BpfProgram, Path, AttachType, CgroupAttachMode)}), the
     *                      hook's mode here or an ancestor's forbids this one (EPERM, with which), or
     *                      the kernel refuses otherwise
     */
    public static CgroupAttachment attach(BpfProgram prog, Path cgroup, CgroupAttachMode mode) {
        return attach(prog, cgroup, Cgroups.attachType(prog, "CgroupAttachment.attach"), mode);
    }

    /**
     * Attaches {@code prog} in {@code mode} to hook {@code type} of the cgroup v2 directory
     * {@code cgroup}, for programs whose section does not say ({@code cgroup/skb}). In
     * {@link CgroupAttachMode#EXCLUSIVE} and {@link CgroupAttachMode#OVERRIDE} this replaces the
     * program attached there in the same mode.
     */
    public static CgroupAttachment attach(BpfProgram prog, Path cgroup, AttachType type, CgroupAttachMode mode) {
        String what = "attach program " + prog.name() + " to cgroup " + cgroup + " at " + type.kernelName()
                + " in " + mode + " mode";
        return attach(prog, cgroup, type, mode, null, CgroupPosition.LAST, what);
    }

    /**
     * Attaches {@code prog} in {@link CgroupAttachMode#MULTI} mode to the hook its section names
     * of {@code cgroup}, at {@code position} in the hook's list: first, last, or before or after a
     * program attached there with BPF_PROG_ATTACH, optionally only at a revision
     * {@link CgroupQuery#order} read.
     *
     * @throws BpfException with ESTALE when the position's revision is no longer the hook's, ENOENT
     *                      when its relative program is not attached there, EINVAL when this kernel
     *                      cannot order cgroup programs
     */
    public static CgroupAttachment attach(BpfProgram prog, Path cgroup, CgroupPosition position) {
        return attach(prog, cgroup, Cgroups.attachType(prog, "CgroupAttachment.attach"), position);
    }

    /** {@link #attach(BpfProgram, Path, CgroupPosition)} at hook {@code type}, for programs whose section does not say. */
    public static CgroupAttachment attach(BpfProgram prog, Path cgroup, AttachType type, CgroupPosition position) {
        String what = "attach program " + prog.name() + " to cgroup " + cgroup + " at " + type.kernelName()
                + " in MULTI mode (" + position + ")";
        if (position.relativeIsLink()) {
            throw new BpfException(what + ": the kernel places a program attached with BPF_PROG_ATTACH only relative to "
                    + "another such program (EINVAL otherwise); use CgroupPosition.before/after(BpfProgram), or attach "
                    + "with CgroupLink.attach", Errno.EINVAL);
        }
        return attach(prog, cgroup, type, CgroupAttachMode.MULTI, null, position, what);
    }

    /**
     * Swaps {@code old}, attached in {@link CgroupAttachMode#MULTI} mode at the hook {@code prog}'s
     * section names on {@code cgroup} (by anyone), for {@code prog}, atomically and in the same
     * place of the list (BPF_F_REPLACE): the programs after it still run after it. The returned
     * attachment is {@code prog}'s; {@code old} is no longer attached there.
     *
     * @throws BpfException with ENOENT when {@code old} is not attached there
     */
    public static CgroupAttachment replace(BpfProgram old, BpfProgram prog, Path cgroup) {
        return replace(old, prog, cgroup, Cgroups.attachType(prog, "CgroupAttachment.replace"));
    }

    /** {@link #replace(BpfProgram, BpfProgram, Path)} at hook {@code type}, for programs whose section does not say. */
    public static CgroupAttachment replace(BpfProgram old, BpfProgram prog, Path cgroup, AttachType type) {
        String what = "replace program " + old.name() + " (id " + old.id() + ") with " + prog.name() + " on cgroup "
                + cgroup + " at " + type.kernelName();
        return attach(prog, cgroup, type, CgroupAttachMode.MULTI, old, CgroupPosition.LAST, what);
    }

    private static CgroupAttachment attach(BpfProgram prog, Path cgroup, AttachType type, CgroupAttachMode mode,
                                           BpfProgram old, CgroupPosition position, String what) {
        Cgroups.check(prog, cgroup, type);
        int cgroupFd = Cgroups.open(cgroup, what);
        try {
            int flags = mode.flag | (old == null ? 0 : BpfAttr.ProgAttach.F_REPLACE);
            // The classic 20-byte attr unless a position needs the multi-program tail (older kernels know no tail)
            int r = position.isPlain()
                    ? BpfSyscall.progAttach(cgroupFd, prog.fd(), type.value, flags, old == null ? 0 : old.fd())
                    : BpfSyscall.progAttachOrdered(cgroupFd, prog.fd(), type.value, flags | position.flags(),
                            position.relativeFd(), position.expectedRevision());
            if (r == -Errno.ESTALE) {
                throw new BpfException(what + Cgroups.staleReason(cgroup, type, position), -r);
            }
            if (r == -Errno.ENOENT && position.relativeIsProgram()) {
                throw new BpfException(what + ": the program to place it " + position + " is not attached there with "
                        + "BPF_PROG_ATTACH", -r);
            }
            if (r < 0) {
                String why = explain(-r, cgroupFd, cgroup, prog, type, mode, old);
                throw new BpfException(what + why + (r == -Errno.EINVAL && !position.isPlain() && why.isEmpty()
                        ? Cgroups.orderingReason().substring(1) : ""), -r);
            }
        } finally {
            Native.closeQuietly(cgroupFd);
        }
        return new CgroupAttachment(cgroup, type, mode, ownReference(prog, what), prog.id());
    }

    /** An fd of our own on the program: detaching a multi list's program needs one. */
    private static int ownReference(BpfProgram prog, String what) {
        int fd = BpfSyscall.progGetFdById(prog.id());
        if (fd < 0) {
            throw new BpfException(what + ": the program is attached but cannot be opened by id " + prog.id()
                    + " to keep a reference for detaching", -fd);
        }
        return fd;
    }

    /** Why the kernel refused an attach, from what is attached at the hook now. */
    private static String explain(int errno, int cgroupFd, Path cgroup, BpfProgram prog, AttachType type,
                                  CgroupAttachMode mode, BpfProgram old) {
        CgroupQuery.Ids here = CgroupQuery.ids(cgroupFd, type, 0);
        switch (errno) {
            case Errno.EBADF:
                return Cgroups.ebadfReason(cgroup);
            case Errno.EINVAL:
                if (here != null && IntStream.of(here.ids()).anyMatch(id -> id == prog.id())) {
                    return ": the program is attached there already, and a hook runs a program once";
                }
                return Cgroups.einvalReason(prog, type);
            case Errno.ENOENT:
                return old == null ? "" : ": program id " + old.id() + " is not attached at that hook of the cgroup"
                        + " (only a program attached in MULTI mode can be replaced)";
            case Errno.EPERM:
                if (here != null && here.ids().length > 0) {
                    CgroupAttachMode now = CgroupAttachMode.of(here.flags()[0]);
                    if (now != mode) {
                        return ": the cgroup runs " + here.ids().length + " program(s) there in " + now
                                + " mode, and a hook takes one mode at a time; attach in " + now
                                + " mode or detach them first";
                    }
                }
                CgroupQuery.Ids effective = CgroupQuery.ids(cgroupFd, type, BpfAttr.ProgQuery.F_QUERY_EFFECTIVE);
                if (effective != null && effective.ids().length > 0) {
                    return ": an ancestor cgroup runs a program at that hook in a mode that lets no descendant "
                            + "attach (EXCLUSIVE), or this mode cannot follow it (OVERRIDE under MULTI); "
                            + "see CgroupQuery.effective(" + cgroup + ")";
                }
                return "";
            default:
                return "";
        }
    }

    /** The cgroup directory the program is attached to. */
    public Path cgroup() {
        return cgroup;
    }

    /** The hook: {@link AttachType#CGROUP_INET_EGRESS}, {@link AttachType#CGROUP_SYSCTL} ... */
    public AttachType attachType() {
        return attachType;
    }

    /** The mode it was attached in; {@link CgroupAttachMode#MULTI} for one made by {@link #replace}. */
    public CgroupAttachMode mode() {
        return mode;
    }

    /** The id of this attachment's program: the one attached, or the one {@link #update} put in its place. */
    public synchronized int progId() {
        return progId;
    }

    /**
     * The hook's state from a query, as a {@link KernelInfo.Link} with id 0 (there is no kernel link
     * object) and type {@link LinkType#CGROUP}: {@code progId} is this attachment's program while it
     * is attached; in EXCLUSIVE or OVERRIDE mode the program there now when someone replaced it;
     * 0 when it was detached.
     */
    @Override
    public synchronized KernelInfo.Link info() {
        String what = "query cgroup " + cgroup + " at " + attachType.kernelName();
        int fd = Cgroups.open(cgroup, what);
        try {
            CgroupQuery.Ids ids = CgroupQuery.ids(fd, attachType, 0);
            int[] now = ids == null ? new int[0] : ids.ids();
            int id = IntStream.of(now).anyMatch(p -> p == progId) ? progId
                    : mode != CgroupAttachMode.MULTI && now.length > 0 ? now[0] : 0;
            return new KernelInfo.Link(0, LinkType.CGROUP, id, 0, null);
        } finally {
            Native.closeQuietly(fd);
        }
    }

    /**
     * Refused: a program attached with BPF_PROG_ATTACH is held by the cgroup itself and has no
     * bpf_link to pin. It stays attached without a pin anyway; {@link CgroupLink} attaches through
     * a link that can be pinned.
     */
    @Override
    public void pin(Path path) {
        throw new BpfException("pin program id " + progId() + " attached to cgroup " + cgroup + " at "
                + attachType.kernelName() + " at " + path + ": a program attached with BPF_PROG_ATTACH has no bpf_link "
                + "to pin (it stays attached until detached, pinned or not); attach with CgroupLink.attach for an "
                + "attachment that can be pinned");
    }

    /** Nothing to do: a program attached with BPF_PROG_ATTACH is never pinned. */
    @Override
    public void unpin() {
    }

    /**
     * {@inheritDoc} In MULTI mode with BPF_F_REPLACE naming this attachment's program, in its
     * place in the list; in EXCLUSIVE or OVERRIDE mode by attaching over it, after checking that
     * this attachment's program is still the one there. Fails, changing nothing, when someone
     * else detached or replaced it.
     */
    @Override
    public synchronized void update(BpfProgram program) {
        String what = "replace program id " + progId + " on cgroup " + cgroup + " at " + attachType.kernelName()
                + " (" + mode + " mode) with program " + program.name();
        if (progFd < 0) {
            throw new BpfException(what + ": the attachment is closed");
        }
        Cgroups.check(program, cgroup, attachType);
        int cgroupFd = Cgroups.open(cgroup, what);
        try {
            int r;
            if (mode == CgroupAttachMode.MULTI) {
                r = BpfSyscall.progAttach(cgroupFd, program.fd(), attachType.value,
                        mode.flag | BpfAttr.ProgAttach.F_REPLACE, progFd);
            } else {
                CgroupQuery.Ids ids = CgroupQuery.ids(cgroupFd, attachType, 0);
                int now = ids == null || ids.ids().length == 0 ? 0 : ids.ids()[0];
                if (now != progId) {
                    throw new BpfException(what + ": the cgroup runs " + (now == 0 ? "no program" : "program id " + now)
                            + " there now, not this attachment's; someone else replaced or detached it, so nothing was "
                            + "changed", Errno.ENOENT);
                }
                r = BpfSyscall.progAttach(cgroupFd, program.fd(), attachType.value, mode.flag, 0);
            }
            if (r == -Errno.ENOENT) {
                throw new BpfException(what + ": this attachment's program is no longer attached there; someone else "
                        + "replaced or detached it, so nothing was changed", -r);
            }
            if (r < 0) {
                throw new BpfException(what + explain(-r, cgroupFd, cgroup, program, attachType, mode, null), -r);
            }
        } finally {
            Native.closeQuietly(cgroupFd);
        }
        int fd = ownReference(program, what);
        Native.closeQuietly(progFd);
        progFd = fd;
        progId = program.id();
    }

    /**
     * Detaches the program if it is still attached there (BPF_PROG_DETACH naming it); a program
     * someone else replaced it with stays. Nothing to do when the cgroup is gone.
     */
    @Override
    public synchronized void close() {
        if (progFd < 0) {
            return;
        }
        try {
            int cgroupFd;
            try {
                cgroupFd = Cgroups.open(cgroup, "detach program id " + progId + " from cgroup " + cgroup);
            } catch (BpfException e) {
                if (e.errno() == Errno.ENOENT) {
                    return; // the cgroup was removed: its programs went with it
                }
                throw e;
            }
            try {
                if (mode != CgroupAttachMode.MULTI) {
                    // Outside a multi list the kernel detaches whatever program is there, whichever
                    // fd is named: look first, so that a program someone put in its place stays.
                    CgroupQuery.Ids ids = CgroupQuery.ids(cgroupFd, attachType, 0);
                    if (ids == null || IntStream.of(ids.ids()).noneMatch(p -> p == progId)) {
                        return;
                    }
                }
                int r = BpfSyscall.progDetach(cgroupFd, progFd, attachType.value);
                if (r < 0 && r != -Errno.ENOENT) {
                    throw new BpfException("detach program id " + progId + " from cgroup " + cgroup + " at "
                            + attachType.kernelName(), -r);
                }
            } finally {
                Native.closeQuietly(cgroupFd);
            }
        } finally {
            Native.closeQuietly(progFd);
            progFd = -1;
        }
    }

    @Override
    public synchronized String toString() {
        return "CgroupAttachment[" + cgroup + ", " + attachType.kernelName() + ", " + mode + ", prog " + progId + "]";
    }
}
