package io.jbpf.internal.sys;

import io.jbpf.internal.sys.BpfAttr.MapElem;
import io.jbpf.uapi.BpfCmd;

/**
 * Map element commands on one key buffer and one value buffer, call after call ({@code MapCursor}'s
 * lookup, update and lookup-and-delete): the attr holds both addresses from the start, so a call
 * writes only the fd and the flags. This version calls bpf(2) through jffi; the multi-release jar
 * has another for JDK 22+ ({@code src/main/java22}) that goes through {@code java.lang.foreign}
 * when native access is enabled. Not thread-safe.
 */
public final class ElemCall {
    private final NativeMemory attr = Native.allocate(MapElem.SIZE);

    public ElemCall(long key, long value) {
        attr.putLong(MapElem.KEY, key);
        attr.putLong(MapElem.VALUE, value);
    }

    /** How element commands reach the kernel on this JVM: {@code "jffi"} or {@code "ffm"}. */
    public static String mechanism() {
        return "jffi";
    }

    /** Runs {@code cmd} (a command on one element) on map {@code fd}; the kernel's result or -errno. */
    public int call(BpfCmd cmd, int fd, long flags) {
        attr.putInt(MapElem.MAP_FD, fd);
        attr.putLong(MapElem.FLAGS, flags);
        return BpfSyscall.call(cmd, attr, MapElem.SIZE);
    }
}
