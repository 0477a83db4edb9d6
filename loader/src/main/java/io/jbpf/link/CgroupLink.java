package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfAttr;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.LinkType;
import java.nio.file.Path;

/**
 * A program attached to a cgroup v2 hook through a bpf_link ({@code BPF_LINK_CREATE} on the
 * cgroup's directory), as libbpf's {@code bpf_program__attach_cgroup} does: it runs for the
 * sockets, devices and sysctls of the processes in the cgroup and in its descendants. A cgroup's
 * links always join the hook's list of programs (like {@link CgroupAttachMode#MULTI}), after the
 * ancestors' programs: last by default, or where a {@link CgroupPosition} says (first, before or
 * after another link, at a revision {@link CgroupQuery#order} read); nobody can detach or replace the program
 * through BPF_PROG_DETACH/ATTACH. The program stays attached while this link is open or pinned:
 * {@link #close()} detaches it unless it is pinned, {@link #update} swaps it atomically.
 * Thread-safe.
 */
public final class CgroupLink extends KernelLink {
    private final Path cgroup;
    private final AttachType attachType;
    private final int id;

    private CgroupLink(Path cgroup, AttachType attachType, int id, LinkFd link) {
        super(link);
        this.cgroup = cgroup;
        this.attachType = attachType;
        this.id = id;
    }

    /**
     * Attaches {@code prog} to the hook its section names ({@code cgroup_skb/egress},
     * {@code cgroup/connect4}, {@code sockops} ...) of the cgroup v2 directory {@code cgroup}.
     *
     * @throws BpfException when the program's section names no cgroup hook (use
     *                      {@link #attach(BpfProgram, Path, AttachType)}), the directory is no
     *                      cgroup v2 directory, or the kernel refuses
     */
    public static CgroupLink attach(BpfProgram prog, Path cgroup) {
        return attach(prog, cgroup, Cgroups.attachType(prog, "CgroupLink.attach"));
    }

    /**
     * Attaches {@code prog} to the hook its section names of the cgroup v2 directory {@code cgroup},
     * at {@code position} in the hook's list (relative to another {@link CgroupLink} there, if any).
     *
     * @throws BpfException with ESTALE when the position's revision is no longer the hook's, ENOENT
     *                      when its relative link is not attached there, EINVAL when this kernel
     *                      cannot order cgroup programs
     */
    public static CgroupLink attach(BpfProgram prog, Path cgroup, CgroupPosition position) {
        return attach(prog, cgroup, Cgroups.attachType(prog, "CgroupLink.attach"), position);
    }

    /**
     * Attaches {@code prog} to hook {@code type} of the cgroup v2 directory {@code cgroup}, for
     * programs whose section does not say ({@code cgroup/skb}). A program loaded for another
     * hook is refused by the kernel.
     */
    public static CgroupLink attach(BpfProgram prog, Path cgroup, AttachType type) {
        return attach(prog, cgroup, type, CgroupPosition.LAST);
    }

    /**
     * Attaches {@code prog} to hook {@code type} of the cgroup v2 directory {@code cgroup} at
     * {@code position}, for programs whose section does not say.
     */
    public static CgroupLink attach(BpfProgram prog, Path cgroup, AttachType type, CgroupPosition position) {
        Cgroups.check(prog, cgroup, type);
        String what = "attach program " + prog.name() + " to cgroup " + cgroup + " at " + type.kernelName()
                + " through a bpf_link" + (position == CgroupPosition.LAST ? "" : " (" + position + ")");
        if (position.relativeIsProgram()) {
            throw new BpfException(what + ": the kernel places a cgroup link only relative to another cgroup link "
                    + "(EINVAL otherwise); use CgroupPosition.before/after(CgroupLink)", Errno.EINVAL);
        }
        int cgroupFd = Cgroups.open(cgroup, what);
        int fd;
        try {
            fd = BpfSyscall.linkCreate(prog.fd(), cgroupFd, type.value, position.flags(), position.relativeFd(),
                    position.expectedRevision());
        } finally {
            Native.closeQuietly(cgroupFd); // the link holds the cgroup itself
        }
        if (fd < 0) {
            String why = switch (-fd) {
                case Errno.EBADF -> Cgroups.ebadfReason(cgroup);
                case Errno.EINVAL -> position.isPlain() ? Cgroups.einvalReason(prog, type)
                        : Cgroups.einvalReason(prog, type) + Cgroups.orderingReason();
                case Errno.ESTALE -> Cgroups.staleReason(cgroup, type, position);
                case Errno.ENOENT -> position.relativeIsLink() ? ": the link to place it " + position
                        + " is not attached at that hook of the cgroup" : "";
                default -> "";
            };
            throw new BpfException(what + why, -fd);
        }
        String name = type.kernelName() + " link on cgroup " + cgroup;
        try {
            return new CgroupLink(cgroup, type, KernelInfo.link(fd, name).id(), new LinkFd(fd, name, null));
        } catch (RuntimeException e) {
            Native.closeQuietly(fd);
            throw e;
        }
    }

    /**
     * Opens the cgroup link pinned at {@code path}; {@link #unpin()} then removes that pin. A
     * pinned program, map or link of another type is refused. Its {@link #cgroup()} is looked up
     * by the link's cgroup id under the cgroup v2 mounts.
     */
    public static CgroupLink fromPin(Path path) {
        int fd = LinkFd.openPinned(path);
        try {
            String what = "pinned link " + path;
            KernelInfo.Link info = KernelInfo.link(fd, what);
            if (info.type() != LinkType.CGROUP) {
                throw new BpfException(what + " (link id " + info.id() + ") is a " + info.type().kernelName()
                        + " link, not a cgroup link");
            }
            long[] cg = cgroupInfo(fd, what);
            AttachType type = AttachType.of((int) cg[1]);
            if (type == null) {
                throw new BpfException(what + " (link id " + info.id() + ") is attached at attach type " + cg[1]
                        + ", which this jbpf does not know");
            }
            Path dir = Cgroups.byId(cg[0]);
            return new CgroupLink(dir, type, info.id(),
                    new LinkFd(fd, type.kernelName() + " link " + info.id() + " on cgroup " + (dir == null ? "id " + cg[0] : dir), path));
        } catch (RuntimeException e) {
            Native.closeQuietly(fd);
            throw e;
        }
    }

    /** {@code {cgroup_id, attach_type}} of a cgroup link's info; cgroup_id is 0 once detached. */
    private static long[] cgroupInfo(int fd, String what) {
        NativeMemory info = Native.allocate(BpfAttr.LinkInfo.SIZE);
        int r = BpfSyscall.objGetInfoByFd(fd, info.address(), BpfAttr.LinkInfo.SIZE);
        if (r < 0) {
            throw new BpfException(what + ": read link info", -r);
        }
        return new long[] {info.getLong(BpfAttr.LinkInfo.CGROUP_ID), info.getInt(BpfAttr.LinkInfo.CGROUP_ATTACH_TYPE)};
    }

    /** The link's fd, for a {@link CgroupPosition} relative to it. */
    int fd() {
        return link.fd();
    }

    /** The kernel's id of this link, as {@code bpftool link show} lists it. */
    public int id() {
        return id;
    }

    /**
     * The cgroup directory the program is attached to; null for a link opened from a pin whose
     * cgroup is not found under this process's cgroup v2 mounts.
     */
    public Path cgroup() {
        return cgroup;
    }

    /** The hook: {@link AttachType#CGROUP_INET_EGRESS}, {@link AttachType#CGROUP_INET4_CONNECT} ... */
    public AttachType attachType() {
        return attachType;
    }

    /**
     * The id of the cgroup the link holds, as {@code bpftool link show} prints it (the inode number
     * of the cgroup's directory); 0 once the cgroup is gone or the link was detached.
     */
    public long cgroupId() {
        return cgroupInfo(link.fd(), "cgroup link " + id)[0];
    }

    /**
     * {@inheritDoc} The new program must be of the same program type, loaded for the same hook;
     * it takes this program's place in the cgroup's list.
     */
    @Override
    public void update(BpfProgram program) {
        int r = link.update(program);
        if (r < 0) {
            String what = "update " + attachType.kernelName() + " link " + id + " on cgroup " + cgroup + " to program "
                    + program.name();
            if (-r == Errno.EINVAL) {
                var runs = Cgroups.HOOKS.get(attachType);
                if (program.type() != runs) {
                    throw new BpfException(what + ": it is " + program.type().kernelName() + ", and the link runs "
                            + runs.kernelName() + " programs", -r);
                }
                throw new BpfException(what + Cgroups.einvalReason(program, attachType), -r);
            }
            throw new BpfException(what, -r);
        }
    }

    @Override
    public String toString() {
        return "CgroupLink[" + cgroup + ", " + attachType.kernelName() + ", link " + id + "]";
    }
}
