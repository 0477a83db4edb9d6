package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfAttr;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.Errno;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What is attached to cgroup v2 hooks ({@code BPF_PROG_QUERY}), as {@code bpftool cgroup show}
 * and {@code bpftool cgroup tree} list it: programs attached with {@link CgroupAttachment} and
 * through {@link CgroupLink}s alike (the kernel reports link-attached programs in mode
 * {@link CgroupAttachMode#MULTI} and does not tell them apart).
 */
public final class CgroupQuery {
    private static final int FIRST_CAPACITY = 64;

    private CgroupQuery() {
    }

    /**
     * One program on a cgroup hook.
     *
     * @param id         the program's kernel id
     * @param attachType the hook
     * @param mode       the mode it was attached in; null in {@link #effective} lists, where the
     *                   programs come from several cgroups
     * @param name       the kernel's name of the program (15 characters at most), "" when it was
     *                   unloaded while being listed
     */
    public record Program(int id, AttachType attachType, CgroupAttachMode mode, String name) {
    }

    /**
     * A cgroup and the programs attached to it.
     *
     * @param path     the cgroup's directory
     * @param programs its programs, by hook in kernel order, then in the order they run
     */
    public record Cgroup(Path path, List<Program> programs) {
    }

    /**
     * The programs attached to {@code cgroup} itself, every hook, in the order they run per hook,
     * as {@code bpftool cgroup show PATH} lists them.
     */
    public static List<Program> attached(Path cgroup) {
        return query(cgroup, 0);
    }

    /**
     * The programs that run for processes in {@code cgroup}: its own and its ancestors' that apply
     * (an overridden ancestor program is not listed), as {@code bpftool cgroup show PATH effective}.
     */
    public static List<Program> effective(Path cgroup) {
        return query(cgroup, BpfAttr.ProgQuery.F_QUERY_EFFECTIVE);
    }

    /**
     * Every cgroup at or under {@code root} with programs attached to it, parents before children,
     * as {@code bpftool cgroup tree ROOT} lists them; cgroups without programs are left out.
     * Cgroups removed during the walk are skipped.
     */
    public static List<Cgroup> tree(Path root) {
        List<Cgroup> out = new ArrayList<>();
        List<Path> dirs;
        try (Stream<Path> walk = Files.walk(root)) {
            dirs = walk.filter(Files::isDirectory).toList();
        } catch (IOException | UncheckedIOException e) {
            throw new BpfException("list the cgroups under " + root + ": " + e.getMessage(), e);
        }
        for (Path dir : dirs) {
            List<Program> programs;
            try {
                programs = attached(dir);
            } catch (BpfException e) {
                if (e.errno() == Errno.ENOENT && !dir.equals(root)) {
                    continue; // removed since the walk saw it
                }
                throw e;
            }
            if (!programs.isEmpty()) {
                out.add(new Cgroup(dir, programs));
            }
        }
        return out;
    }

    /**
     * One hook's list as the kernel runs it, and its revision.
     *
     * @param attachType the hook
     * @param revision   counts every attach, detach and replace at the hook (1 for a hook nothing was
     *                   ever attached to); a {@link CgroupPosition#atRevision} attach succeeds only
     *                   while it is unchanged; 0 on kernels that do not report it
     * @param programs   the programs attached to the cgroup itself at the hook, in the order they run
     */
    public record Order(AttachType attachType, long revision, List<Program> programs) {
    }

    /**
     * The programs attached at hook {@code type} of {@code cgroup} itself, in the order they run,
     * with the hook's revision: what to read before attaching at a {@link CgroupPosition}.
     */
    public static Order order(Path cgroup, AttachType type) {
        String what = "query the " + type.kernelName() + " programs of cgroup " + cgroup;
        int fd = Cgroups.open(cgroup, what);
        try {
            int capacity = FIRST_CAPACITY;
            BpfSyscall.ProgQueryExtra extra = BpfSyscall.ProgQueryExtra.LINK_IDS;
            while (true) {
                BpfSyscall.ProgQueryResult r = BpfSyscall.progQuery(fd, type.value, 0, capacity, extra);
                // Kernels that know a shorter attr refuse the longer one: E2BIG, or EINVAL when the
                // longer fields fall inside their bpf_attr (6.1 on link_ids). Then ask for less:
                // before 6.6 no revision, before 6.0 no per-program flags.
                if ((r.error() == -Errno.E2BIG || r.error() == -Errno.EINVAL) && extra != BpfSyscall.ProgQueryExtra.NONE) {
                    extra = extra == BpfSyscall.ProgQueryExtra.LINK_IDS ? BpfSyscall.ProgQueryExtra.PROG_ATTACH_FLAGS
                            : BpfSyscall.ProgQueryExtra.NONE;
                    continue;
                }
                if (r.error() == -Errno.ENOSPC && r.count() > capacity) {
                    capacity = r.count();
                    continue;
                }
                if (r.error() < 0) {
                    throw new BpfException(what + (r.error() == -Errno.EBADF ? Cgroups.ebadfReason(cgroup) : ""), -r.error());
                }
                List<Program> programs = new ArrayList<>();
                for (int i = 0; i < r.progIds().length; i++) {
                    int flags = r.progAttachFlags().length > i ? r.progAttachFlags()[i] : r.attachFlags();
                    programs.add(new Program(r.progIds()[i], type, CgroupAttachMode.of(flags), name(r.progIds()[i])));
                }
                return new Order(type, r.revision(), List.copyOf(programs));
            }
        } finally {
            Native.closeQuietly(fd);
        }
    }

    /** Where cgroup v2 is mounted in this process's mount namespace: the roots to pass to {@link #tree}. */
    public static List<Path> mountPoints() {
        return Cgroups.mounts();
    }

    private static List<Program> query(Path cgroup, int queryFlags) {
        String what = "query the programs attached to cgroup " + cgroup;
        int fd = Cgroups.open(cgroup, what);
        try {
            List<Program> out = new ArrayList<>();
            for (AttachType type : Cgroups.HOOKS.keySet()) {
                Ids ids = ids(fd, type, queryFlags);
                if (ids == null) {
                    continue; // a hook this kernel cannot query
                }
                for (int i = 0; i < ids.ids.length; i++) {
                    CgroupAttachMode mode = queryFlags != 0 ? null : CgroupAttachMode.of(ids.flags[i]);
                    out.add(new Program(ids.ids[i], type, mode, name(ids.ids[i])));
                }
            }
            return out;
        } catch (BpfException e) {
            if (e.errno() == Errno.EBADF) {
                throw new BpfException(what + Cgroups.ebadfReason(cgroup), Errno.EBADF);
            }
            throw e;
        } finally {
            Native.closeQuietly(fd);
        }
    }

    /** Program ids at a hook and each one's attach flags (all the list's on kernels before 6.0). */
    record Ids(int[] ids, int[] flags) {
    }

    /**
     * BPF_PROG_QUERY of one hook of the open cgroup {@code fd}; null when the kernel does not know
     * the hook (EINVAL), so listing every hook works on older kernels.
     */
    static Ids ids(int fd, AttachType type, int queryFlags) {
        int capacity = FIRST_CAPACITY;
        // Per-program flags cannot be asked together with EFFECTIVE (EINVAL), and kernels before
        // 6.0 know no such field (E2BIG): then every program has the list's flags.
        boolean perProgram = queryFlags == 0;
        while (true) {
            BpfSyscall.ProgQueryResult r = BpfSyscall.progQuery(fd, type.value, queryFlags, capacity,
                    perProgram ? BpfSyscall.ProgQueryExtra.PROG_ATTACH_FLAGS : BpfSyscall.ProgQueryExtra.NONE);
            if (r.error() == -Errno.E2BIG && perProgram) {
                perProgram = false;
                continue;
            }
            if (r.error() == -Errno.ENOSPC && r.count() > capacity) {
                capacity = r.count();
                continue; // attached meanwhile: ask again with room for all
            }
            if (r.error() == -Errno.EINVAL) {
                return null;
            }
            if (r.error() < 0) {
                throw new BpfException("query " + type.kernelName() + " programs", -r.error());
            }
            int[] flags = perProgram ? r.progAttachFlags() : new int[r.progIds().length];
            if (!perProgram) {
                java.util.Arrays.fill(flags, r.attachFlags());
            }
            return new Ids(r.progIds(), flags);
        }
    }

    private static String name(int id) {
        try (BpfProgram p = BpfProgram.fromId(id)) {
            return p.name();
        } catch (BpfException e) {
            return ""; // unloaded since it was listed
        }
    }
}
