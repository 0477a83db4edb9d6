package io.jbpf.internal.sys;

import io.jbpf.internal.sys.BpfAttr.MapElem;
import io.jbpf.uapi.BpfCmd;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Reference;

/**
 * Map element commands, JDK 22+ version (see the base version for what the class is for). With
 * native access enabled ({@code --enable-native-access=ALL-UNNAMED}, or java -jar jbpf.jar), bpf(2)
 * is called through {@code java.lang.foreign} as a critical downcall: no thread-state transition
 * around the call, which a JNI call (jffi) pays, and a map element command returns at once, so
 * the JVM never waits long for this thread at a safepoint (MapCursor says which maps' commands
 * are such). errno is captured into this object's own state segment. Measured here: 4–6 % over
 * C's time per lookup, against 8–12 % through jffi.
 * Without native access, and for other maps, it goes through jffi, as on older JDKs.
 */
public final class ElemCall {
    private static final boolean FFM = ElemCall.class.getModule().isNativeAccessEnabled();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO = STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    /** {@code long syscall(long number, ...)}, every argument a 64-bit integer. */
    private static final MethodHandle SYSCALL = FFM ? link() : null;

    /** Through jffi: native access off, or a map whose calls may take long. */
    private final NativeMemory fallback;
    /** Owns attr and state on the FFM path, so that close() frees them at once. */
    private final Arena arena;
    private boolean closed;
    private final MemorySegment attr;
    private final MemorySegment state;
    private final long attrAddress;

    /**
     * @param shortCalls whether the map's element commands return at once in the kernel; only
     *        then may they be made as critical downcalls, during which the JVM cannot reach a safepoint
     * @param failedUpdatesEvict whether a failed update can still change the map (LRU maps); it
     *        matters only to the JDK 17 version, which repeats failed calls: this one gets errno
     *        from the call itself
     */
    public ElemCall(long key, long value, boolean shortCalls, boolean failedUpdatesEvict) {
        if (FFM && shortCalls) {
            // Shared: a cursor may be made on one thread and used on another.
            arena = Arena.ofShared();
            attr = arena.allocate(MapElem.SIZE, 8);
            state = arena.allocate(STATE);
            attr.set(ValueLayout.JAVA_LONG, MapElem.KEY, key);
            attr.set(ValueLayout.JAVA_LONG, MapElem.VALUE, value);
            attrAddress = attr.address();
            fallback = null;
        } else {
            arena = null;
            fallback = Native.allocateReleasable(MapElem.SIZE);
            fallback.putLong(MapElem.KEY, key);
            fallback.putLong(MapElem.VALUE, value);
            attr = null;
            state = null;
            attrAddress = 0;
        }
    }

    private static MethodHandle link() {
        Linker linker = Linker.nativeLinker();
        MemorySegment syscall = linker.defaultLookup().find("syscall")
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol syscall"));
        FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);
        return linker.downcallHandle(syscall, fd, Linker.Option.firstVariadicArg(1),
                Linker.Option.captureCallState("errno"), Linker.Option.critical(false));
    }

    /** How element commands of short-call maps reach the kernel on this JVM: {@code "ffm"} or {@code "jffi"}. */
    public static String mechanism() {
        return FFM ? "ffm" : "jffi";
    }

    /** How this object's calls reach the kernel: {@code "ffm"} or {@code "jffi"}. */
    public String via() {
        return attr != null ? "ffm" : "jffi";
    }

    /** Failed calls made again to learn errno: none here (see the JDK 17 version). */
    public int retries() {
        return 0;
    }

    /** Frees the attr and errno state; no call may follow (the owning cursor refuses them once closed). */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (arena != null) {
            arena.close();
        } else {
            fallback.release();
        }
    }

    /** Runs {@code cmd} (a command on one element) on map {@code fd}; the kernel's result or -errno. */
    public int call(BpfCmd cmd, int fd, long flags) {
        if (attr == null) {
            fallback.putInt(MapElem.MAP_FD, fd);
            fallback.putLong(MapElem.FLAGS, flags);
            return BpfSyscall.call(cmd, fallback, MapElem.SIZE);
        }
        attr.set(ValueLayout.JAVA_INT, MapElem.MAP_FD, fd);
        attr.set(ValueLayout.JAVA_LONG, MapElem.FLAGS, flags);
        long r;
        try {
            r = (long) SYSCALL.invokeExact(state, BpfSyscall.SYS_BPF, (long) cmd.value, attrAddress, (long) MapElem.SIZE);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf(2) downcall failed", t);
        }
        int result = r < 0 ? -state.get(ValueLayout.JAVA_INT, ERRNO) : (int) r;
        Reference.reachabilityFence(this); // attr and state: the call saw only their addresses
        return result;
    }
}
