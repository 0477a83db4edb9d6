package io.jbpf.internal.sys;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAddress;

/**
 * glibc's {@code syscall} with three arguments as a trivial downcall of JDK 17's incubating
 * foreign linker: no thread-state transition around the call, which every JNI call (jffi) pays.
 * The only class of jbpf that names {@code jdk.incubator.foreign}; it is loaded only when that
 * module is in the boot layer ({@code --add-modules jdk.incubator.foreign}) on JDK 17, and used
 * only when native access is enabled ({@code --enable-native-access=ALL-UNNAMED}). A trivial call
 * leaves errno where the JVM may overwrite it before Java could read it, so callers get the
 * return value only (see {@link ElemCall}).
 */
final class IncubatorSyscall {
    private IncubatorSyscall() {
    }

    /**
     * {@code (long number, long a, long b, long c) -> long}, or null when native access is not
     * enabled. Call only on JDK 17 with the module in the boot layer.
     */
    static MethodHandle trivial() {
        CLinker linker;
        try {
            linker = CLinker.getInstance();
        } catch (IllegalCallerException nativeAccessOff) {
            return null;
        }
        MemoryAddress syscall = CLinker.systemLookup().lookup("syscall")
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol syscall"));
        FunctionDescriptor fd = FunctionDescriptor.of(CLinker.C_LONG, CLinker.C_LONG, CLinker.C_LONG, CLinker.C_LONG,
                CLinker.C_LONG).withAttribute(FunctionDescriptor.TRIVIAL_ATTRIBUTE_NAME, true);
        return linker.downcallHandle(syscall,
                MethodType.methodType(long.class, long.class, long.class, long.class, long.class), fd);
    }
}
