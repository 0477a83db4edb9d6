package io.jbpf;

import io.jbpf.uapi.Errno;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a directory is on a bpf filesystem, the only place pins can live. Checked before jbpf
 * creates pin directories, so that a pin root that is a plain directory (bpffs not mounted, or
 * hidden by {@code ip netns exec}) gets a message saying so instead of a bare ENOENT or EPERM.
 */
final class BpfFileSystem {
    /** {@code BPF_FS_MAGIC} from linux/magic.h: statfs's f_type on bpffs. */
    static final long BPF_FS_MAGIC = 0xcafe4a11L;
    /** {@code struct statfs} on 64-bit Linux is 120 bytes; f_type is its first field, a long. */
    private static final int STATFS_SIZE = 120;
    private static final Native.Function STATFS = Native.function("statfs", Native.Returns.INT, 2);

    private BpfFileSystem() {
    }

    /** The statfs f_type of the filesystem holding {@code path}, or -errno if statfs fails. */
    static long type(Path path) {
        NativeMemory name = Native.cString(path.toString());
        NativeMemory buf = Native.allocate(STATFS_SIZE);
        long r = STATFS.call(name.address(), buf.address());
        int errno = r < 0 ? Native.errno() : 0;
        long type = buf.getLong(0);
        Reference.reachabilityFence(name);
        Reference.reachabilityFence(buf);
        return r < 0 ? -errno : type;
    }

    /**
     * Fails with a {@link BpfException} unless {@code dir}, or where it would be created (its
     * nearest existing parent), is on a bpf filesystem; {@code what} says what is being pinned.
     */
    static void require(Path dir, String what) {
        Path existing = dir.toAbsolutePath();
        while (existing.getParent() != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        long type = type(existing);
        if (type != BPF_FS_MAGIC) {
            throw new BpfException(what + ": " + dir + " is not on a bpf filesystem ("
                    + (type < 0 ? "statfs " + existing + ": " + Errno.describe((int) -type)
                            : existing + " is on a filesystem of type 0x" + Long.toHexString(type))
                    + "); pins live only on bpffs: mount it with `mount -t bpf bpf /sys/fs/bpf`, or choose a "
                    + "directory under a bpffs mount");
        }
    }
}
