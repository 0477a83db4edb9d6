package io.jbpf.internal.sys;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** The one jnr-ffi binding of libc, loaded on first use. */
public final class Native {
    public static final LibC LIBC = LibraryLoader.create(LibC.class).map("perfEventOpen", "syscall").load("c");
    public static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private Native() {
    }

    /** errno of the last native call on this thread (jnr-ffi saves it right after the call). */
    public static int errno() {
        return LastError.getLastError(RUNTIME);
    }

    /** Zeroed native memory, freed when the returned pointer becomes unreachable. */
    public static Pointer allocate(int size) {
        return Memory.allocateDirect(RUNTIME, size, true);
    }

    /** Native memory holding a copy of {@code bytes}. */
    public static Pointer copyOf(byte[] bytes) {
        Pointer p = allocate(Math.max(1, bytes.length));
        p.put(0, bytes, 0, bytes.length);
        return p;
    }

    /** A zeroed little-endian direct buffer and its native address, for hot paths that reuse both. */
    public record DirectBuffer(java.nio.ByteBuffer buffer, long address) {
    }

    /** Allocates a {@link DirectBuffer} of {@code size} bytes (at least 1). */
    public static DirectBuffer direct(int size) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(Math.max(1, size)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return new DirectBuffer(b, Pointer.wrap(RUNTIME, b).address());
    }

    /** Closes {@code fd}, ignoring errors: used on cleanup paths where the first failure matters. */
    public static void closeQuietly(int fd) {
        if (fd >= 0) {
            LIBC.close(fd);
        }
    }
}
