package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Native;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.ProgType;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link CgroupLink}, {@link CgroupAttachment} and {@link CgroupQuery} share: which attach
 * types are cgroup hooks and which program type each runs, the attach type of a program, the
 * cgroup directory's fd, and where cgroup v2 is mounted.
 */
final class Cgroups {
    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = 0x10000;
    private static final int O_CLOEXEC = 0x80000;
    private static final Native.Function OPEN = Native.function("open", Native.Returns.INT, 2);

    /** Every cgroup attach type jbpf knows, with the program type the kernel runs there, in kernel order. */
    static final Map<AttachType, ProgType> HOOKS;

    static {
        Map<AttachType, ProgType> m = new EnumMap<>(AttachType.class);
        m.put(AttachType.CGROUP_INET_INGRESS, ProgType.CGROUP_SKB);
        m.put(AttachType.CGROUP_INET_EGRESS, ProgType.CGROUP_SKB);
        m.put(AttachType.CGROUP_INET_SOCK_CREATE, ProgType.CGROUP_SOCK);
        m.put(AttachType.CGROUP_SOCK_OPS, ProgType.SOCK_OPS);
        m.put(AttachType.CGROUP_DEVICE, ProgType.CGROUP_DEVICE);
        for (AttachType t : Set.of(AttachType.CGROUP_INET4_BIND, AttachType.CGROUP_INET6_BIND,
                AttachType.CGROUP_INET4_CONNECT, AttachType.CGROUP_INET6_CONNECT, AttachType.CGROUP_UDP4_SENDMSG,
                AttachType.CGROUP_UDP6_SENDMSG, AttachType.CGROUP_UDP4_RECVMSG, AttachType.CGROUP_UDP6_RECVMSG,
                AttachType.CGROUP_INET4_GETPEERNAME, AttachType.CGROUP_INET6_GETPEERNAME,
                AttachType.CGROUP_INET4_GETSOCKNAME, AttachType.CGROUP_INET6_GETSOCKNAME)) {
            m.put(t, ProgType.CGROUP_SOCK_ADDR);
        }
        m.put(AttachType.CGROUP_INET4_POST_BIND, ProgType.CGROUP_SOCK);
        m.put(AttachType.CGROUP_INET6_POST_BIND, ProgType.CGROUP_SOCK);
        m.put(AttachType.CGROUP_SYSCTL, ProgType.CGROUP_SYSCTL);
        m.put(AttachType.CGROUP_GETSOCKOPT, ProgType.CGROUP_SOCKOPT);
        m.put(AttachType.CGROUP_SETSOCKOPT, ProgType.CGROUP_SOCKOPT);
        m.put(AttachType.CGROUP_INET_SOCK_RELEASE, ProgType.CGROUP_SOCK);
        m.put(AttachType.LSM_CGROUP, ProgType.LSM);
        HOOKS = Collections.unmodifiableMap(m);
    }

    private Cgroups() {
    }

    /** The hook {@code prog} is for: its expected attach type, which must be a cgroup hook. */
    static AttachType attachType(BpfProgram prog, String api) {
        AttachType t = prog.expectedAttachType();
        if (t == null) {
            throw new BpfException("program " + prog.name() + (prog.section() == null ? "" : " (section " + prog.section() + ")")
                    + " does not say which cgroup hook it is for; pass the attach type: " + api
                    + "(program, cgroup, AttachType.CGROUP_INET_EGRESS ...)");
        }
        return t;
    }

    /**
     * Checks before any system call that {@code type} is a cgroup hook and that {@code prog} is of
     * the program type it runs, which the kernel would refuse with a bare EINVAL.
     */
    static void check(BpfProgram prog, Path cgroup, AttachType type) {
        ProgType runs = HOOKS.get(type);
        if (runs == null) {
            throw new BpfException("attach program " + prog.name() + " to cgroup " + cgroup + ": " + type.kernelName()
                    + " is not a cgroup hook (cgroup hooks: " + HOOKS.keySet() + ")");
        }
        if (prog.type() != runs) {
            throw new BpfException("attach program " + prog.name() + " to cgroup " + cgroup + " at " + type.kernelName()
                    + ": it is " + prog.type().kernelName() + ", and that hook runs " + runs.kernelName() + " programs");
        }
    }

    /**
     * Says why the kernel refused with EINVAL an attach of a program of the right type: its
     * expected attach type (fixed at load) is another hook's.
     */
    static String einvalReason(BpfProgram prog, AttachType type) {
        AttachType loaded = prog.expectedAttachType();
        if (loaded != null && loaded != type) {
            return ": it was loaded for " + loaded.kernelName() + " (its section " + prog.section()
                    + "), and the kernel attaches a program only where it was loaded for";
        }
        return "";
    }

    /**
     * Why the kernel may refuse a position with EINVAL besides a wrong hook: a kernel without the
     * multi-program API for cgroups (6.18 has it), or a relative attached the other way.
     */
    static String orderingReason() {
        return "; or the kernel cannot order cgroup programs (BPF_F_BEFORE/BPF_F_AFTER and expected_revision need the "
                + "cgroup multi-program API of recent kernels), or the relative was attached the other way (a link "
                + "goes only relative to a link, a BPF_PROG_ATTACH program only relative to such a program)";
    }

    /** What to say for ESTALE: the hook's revision now. */
    static String staleReason(Path cgroup, AttachType type, CgroupPosition position) {
        long now;
        try {
            now = CgroupQuery.order(cgroup, type).revision();
        } catch (BpfException e) {
            now = 0;
        }
        return ": the hook changed since " + position.toString().replaceFirst("^.* at ", "") + (now > 0 ? " (it is at "
                + now + " now)" : "") + "; read CgroupQuery.order again and attach at the position you want there";
    }

    /** A read-only fd of the cgroup directory, for the caller to close. */
    static int open(Path cgroup, String what) {
        var path = Native.cString(cgroup.toString());
        int fd = (int) OPEN.call(path.address(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int errno = Native.errno();
        Reference.reachabilityFence(path);
        if (fd < 0) {
            String hint = errno == Errno.ENOENT || errno == Errno.ENOTDIR
                    ? " (no such cgroup directory; cgroup v2 is mounted at " + mountsText() + ")" : "";
            throw new BpfException(what + ": cannot open cgroup " + cgroup + hint, errno);
        }
        return fd;
    }

    /** What to say when the kernel answers EBADF for a directory that opened: it is no cgroup v2 directory. */
    static String ebadfReason(Path cgroup) {
        return ": " + cgroup + " is not a cgroup v2 directory (cgroup v2 is mounted at " + mountsText() + ")";
    }

    /** Where cgroup v2 is mounted in this process's mount namespace, from /proc/self/mounts. */
    static List<Path> mounts() {
        try {
            return cgroup2Mounts(Files.readAllLines(Path.of("/proc/self/mounts")));
        } catch (IOException e) {
            return List.of(); // no /proc: no mount to name
        }
    }

    /** The mount points of the cgroup2 lines of a mounts file ({@code fstab} format, one mount a line). */
    static List<Path> cgroup2Mounts(List<String> lines) {
        List<Path> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[2].equals("cgroup2")) {
                out.add(Path.of(unescape(f[1])));
            }
        }
        return out;
    }

    private static String mountsText() {
        List<Path> m = mounts();
        return m.isEmpty() ? "no mount point (mount -t cgroup2 none /sys/fs/cgroup)" : m.toString();
    }

    /** Undoes the octal escapes ({@code \040} for a space) the kernel writes in mount paths. */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * The cgroup directory with inode {@code id} (the cgroup id links report) under the cgroup v2
     * mounts, or null when none is found (a cgroup removed since, or in another mount namespace).
     */
    static Path byId(long id) {
        for (Path root : mounts()) {
            try (var dirs = Files.walk(root)) {
                var hit = dirs.filter(Files::isDirectory).filter(d -> inode(d) == id).findFirst();
                if (hit.isPresent()) {
                    return hit.get();
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // a cgroup removed during the walk: look in the next mount
            }
        }
        return null;
    }

    static long inode(Path dir) {
        try {
            return ((Number) Files.getAttribute(dir, "unix:ino")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }
}
