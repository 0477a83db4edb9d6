package io.jbpf.internal.sys;

import io.jbpf.internal.sys.BpfAttr.MapElem;
import io.jbpf.uapi.BpfCmd;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Reference;

/**
 * Map element commands on one key buffer and one value buffer, call after call ({@code MapCursor}'s
 * lookup, update and lookup-and-delete): the attr holds both addresses from the start, so a call
 * writes only the fd and the flags. Not thread-safe.
 *
 * <p>How bpf(2) is reached depends on the JVM. By default through jffi (JNI). On JDK 17 started
 * with {@code --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED}, through a
 * trivial downcall of the incubating foreign linker ({@link IncubatorSyscall}), which skips the
 * thread-state transition of a JNI call: measured here 1–3 % over C's time per lookup, against
 * 8–10 % through jffi. The multi-release jar has another version of this class for JDK 22+
 * ({@code src/main/java22}) that uses {@code java.lang.foreign}.
 */
public final class ElemCall {
    /**
     * The trivial downcall, or null where this JVM does not offer it. The module is looked for
     * here: IncubatorSyscall cannot even be loaded without it.
     */
    private static final MethodHandle TRIVIAL = Runtime.version().feature() == 17
            && ModuleLayer.boot().findModule("jdk.incubator.foreign").isPresent() ? trivial() : null;

    private final NativeMemory attr = Native.allocateReleasable(MapElem.SIZE);
    private final long attrAddress = attr.address();
    /** Lookups and lookup-and-delete as downcalls. */
    private final boolean downcall;
    /** Updates as downcalls. */
    private final boolean downcallUpdates;
    private int retries;

    /**
     * @param shortCalls whether the map's element commands return at once in the kernel; only
     *        then may they be made as downcalls, during which the JVM cannot reach a safepoint
     * @param failedUpdatesEvict whether a failed update can still change the map: on LRU maps the
     *        kernel may evict entries to make room before it finds that the update fails
     */
    public ElemCall(long key, long value, boolean shortCalls, boolean failedUpdatesEvict) {
        attr.putLong(MapElem.KEY, key);
        attr.putLong(MapElem.VALUE, value);
        downcall = TRIVIAL != null && shortCalls;
        downcallUpdates = downcall && !failedUpdatesEvict;
    }

    private static MethodHandle trivial() {
        try {
            return IncubatorSyscall.trivial();
        } catch (RuntimeException | LinkageError e) {
            return null; // e.g. an architecture the incubating linker does not support: jffi then
        }
    }

    /** How element commands of short-call maps reach the kernel on this JVM: {@code "jffi"} or {@code "ffm-incubator"}. */
    public static String mechanism() {
        return TRIVIAL != null ? "ffm-incubator" : "jffi";
    }

    /** How this object's lookups reach the kernel: {@code "jffi"} or {@code "ffm-incubator"}. */
    public String via() {
        return downcall ? "ffm-incubator" : "jffi";
    }

    /** How many failed downcalls were made again through jffi to learn errno. */
    public int retries() {
        return retries;
    }

    /** Frees the attr; no call may follow (the owning cursor refuses them once closed). */
    public void close() {
        attr.release();
    }

    /** Runs {@code cmd} (a command on one element) on map {@code fd}; the kernel's result or -errno. */
    public int call(BpfCmd cmd, int fd, long flags) {
        attr.putInt(MapElem.MAP_FD, fd);
        attr.putLong(MapElem.FLAGS, flags);
        if (cmd == BpfCmd.MAP_UPDATE_ELEM ? downcallUpdates : downcall) {
            long r;
            try {
                r = (long) TRIVIAL.invokeExact(BpfSyscall.SYS_BPF, (long) cmd.value, attrAddress, (long) MapElem.SIZE);
            } catch (Throwable t) {
                throw new IllegalStateException("bpf(2) downcall failed", t);
            }
            Reference.reachabilityFence(attr);
            if (r >= 0) {
                return (int) r;
            }
            // The trivial call cannot report errno reliably (the JVM may overwrite it before Java
            // reads it), so the command is made again through jffi, which saves errno inside the
            // call, and that result is returned. This is sound because a failed lookup, update or
            // lookup-and-delete changes nothing on these maps: the kernel checks flags and room
            // before it touches an entry. Two exceptions are kept off this path or cannot happen:
            // LRU updates (eviction comes first, see the constructor) and an EFAULT copying a
            // popped value out (the value buffer is this cursor's own).
            retries++;
        }
        return BpfSyscall.call(cmd, attr, MapElem.SIZE);
    }
}
