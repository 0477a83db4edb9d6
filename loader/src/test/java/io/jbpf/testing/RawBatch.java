package io.jbpf.testing;

import io.jbpf.BpfMap;
import io.jbpf.uapi.Errno;
import io.jbpf.internal.sys.BpfAttr;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.uapi.BpfCmd;
import java.lang.ref.Reference;

/** BPF_MAP_LOOKUP_BATCH called directly, to learn whether the kernel has batch ops for a map (no fallback). */
public final class RawBatch {
    private RawBatch() {
    }

    /** 0 when the kernel ran BPF_MAP_LOOKUP_BATCH on {@code m} (ENOENT: ran, map exhausted), else its errno. */
    public static int lookupBatchErrno(BpfMap m) {
        return errno(m, BpfCmd.MAP_LOOKUP_BATCH);
    }

    /**
     * 0 when the kernel ran the batch read {@code cmd} on {@code m} (ENOENT: ran, map exhausted),
     * else its errno. Use an empty map for BPF_MAP_LOOKUP_AND_DELETE_BATCH.
     */
    public static int errno(BpfMap m, BpfCmd cmd) {
        int n = 4;
        NativeMemory attr = Native.allocate(BpfAttr.Batch.SIZE);
        NativeMemory keys = Native.allocate(Math.max(1, m.keySize()) * n);
        NativeMemory values = Native.allocate(m.valueBufferSize() * n);
        NativeMemory out = Native.allocate(Math.max(8, m.keySize()));
        int r = BpfSyscall.batch(attr, cmd, m.fd(), 0, out.address(), keys.address(),
                values.address(), n, 0);
        Reference.reachabilityFence(attr);
        Reference.reachabilityFence(keys);
        Reference.reachabilityFence(values);
        Reference.reachabilityFence(out);
        return r == 0 || r == -Errno.ENOENT ? 0 : -r;
    }
}
