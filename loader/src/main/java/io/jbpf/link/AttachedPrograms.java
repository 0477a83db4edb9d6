package io.jbpf.link;

import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The programs attached to one hook, in the order they run, as BPF_PROG_QUERY reports them: on a
 * cgroup, on a network namespace (flow dissector, sk_lookup) or on a device (tcx). What
 * {@code bpftool cgroup tree} and {@code bpftool net} list.
 *
 * @param type        the hook's attach type
 * @param programs    the attached programs, in run order
 * @param listFlags   the cgroup list's attach mode as BPF_F_* bits: 0 (none), BPF_F_ALLOW_OVERRIDE
 *                    (1) or BPF_F_ALLOW_MULTI (2); 0 for other hooks
 * @param revision    the hook's revision (tcx and cgroups count every change from 1; 0 elsewhere)
 */
public record AttachedPrograms(AttachType type, List<Entry> programs, int listFlags, long revision) {
    /** BPF_F_ALLOW_OVERRIDE of linux/bpf.h. */
    public static final int ALLOW_OVERRIDE = 1;
    /** BPF_F_ALLOW_MULTI of linux/bpf.h. */
    public static final int ALLOW_MULTI = 2;

    /**
     * One attached program.
     *
     * @param progId      the program's id
     * @param linkId      the id of the bpf_link holding it; the kernel reports it for tcx only
     *                    (0 for cgroups and netns hooks, also when a link holds the program)
     * @param attachFlags the program's own BPF_F_* attach bits (cgroups: 2 for multi)
     */
    public record Entry(int progId, int linkId, int attachFlags) {
    }

    /** Room for this many programs per hook: far more than any hook holds in practice. */
    private static final int CAPACITY = 64;

    /** The programs attached (not the effective ones inherited from parents) to {@code cgroup} for {@code type}. */
    public static AttachedPrograms ofCgroup(Path cgroup, AttachType type) {
        if (!Files.isDirectory(cgroup)) {
            throw new BpfException("cgroup " + cgroup + " is not a directory (cgroup v2 is usually mounted at "
                    + "/sys/fs/cgroup or /sys/fs/cgroup/unified)", Errno.ENOENT);
        }
        return ofFile(cgroup, "cgroup " + cgroup, type);
    }

    /**
     * The programs attached to network namespace {@code netns} (a namespace file such as
     * {@code /proc/self/ns/net} or {@code /run/netns/NAME}) for {@code type}:
     * {@link AttachType#FLOW_DISSECTOR} or {@link AttachType#SK_LOOKUP}.
     */
    public static AttachedPrograms ofNetns(Path netns, AttachType type) {
        return ofFile(netns, "network namespace " + netns, type);
    }

    /**
     * The tcx programs on {@code device} in this network namespace for {@code type}
     * ({@link AttachType#TCX_INGRESS} or {@link AttachType#TCX_EGRESS}); empty on kernels before
     * 6.6, which have no tcx.
     */
    public static AttachedPrograms ofDevice(String device, AttachType type) {
        int ifindex = XdpAttach.ifindex(device);
        return query(ifindex, "device " + device, type, true);
    }

    private static AttachedPrograms ofFile(Path path, String what, AttachType type) {
        int fd = LibC.open(path.toString(), LibC.O_RDONLY_CLOEXEC);
        if (fd < 0) {
            throw new BpfException("query " + type.kernelName() + " programs of " + what + ": cannot open it", Native.errno());
        }
        try {
            return query(fd, what, type, false);
        } finally {
            Native.closeQuietly(fd);
        }
    }

    private static AttachedPrograms query(int target, String what, AttachType type, boolean device) {
        BpfSyscall.ProgQueryResult r = BpfSyscall.progQuery(target, type.value, 0, CAPACITY, BpfSyscall.ProgQueryExtra.LINK_IDS);
        if (r.error() < 0) {
            if (device && (-r.error() == Errno.EINVAL || -r.error() == Errno.EOPNOTSUPP)) {
                // A kernel without tcx does not know the attach type: nothing can be attached there.
                return new AttachedPrograms(type, List.of(), 0, 0);
            }
            throw new BpfException("query " + type.kernelName() + " programs of " + what, -r.error());
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < r.progIds().length; i++) {
            entries.add(new Entry(r.progIds()[i], r.linkIds()[i], r.progAttachFlags()[i]));
        }
        return new AttachedPrograms(type, List.copyOf(entries), r.attachFlags(), r.revision());
    }
}
