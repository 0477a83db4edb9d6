package io.jbpf.internal.sys;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.PageManager;
import com.kenai.jffi.Type;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Native calls and native memory through jffi, jnr-ffi's own call layer. jbpf binds each libc
 * function by hand ({@link #function}) rather than through jnr-ffi's interface loader, which
 * generates and loads bytecode when first used: that cost about 100 ms of every CLI start here.
 * Every argument travels as a 64-bit integer (pointers as addresses), so one call shape fits all
 * the functions jbpf needs on LP64 Linux.
 */
public final class Native {
    private static final Library LIBC = Library.getCachedInstance("libc.so.6", Library.LAZY | Library.GLOBAL);
    private static final Invoker INVOKER = Invoker.getInstance();
    private static final MemoryIO IO = MemoryIO.getInstance();
    /** Bytes of releasable memory not yet freed: how tests see that closing a cursor frees its buffers. */
    private static final AtomicLong RELEASABLE_BYTES = new AtomicLong();

    private Native() {
    }

    /** What a C function returns: {@code int} (sign-extended from 32 bits) or {@code long}/pointer. */
    public enum Returns {
        INT(Type.SINT32), LONG(Type.SINT64);

        final Type type;

        Returns(Type type) {
            this.type = type;
        }
    }

    /** One C function of libc, with its arity and return type fixed; errno is saved after each call. */
    public static final class Function {
        private final String name;
        private final long address;
        private final CallContext context;
        private final int arity;

        private Function(String name, Returns returns, int arity) {
            this.name = name;
            this.address = LIBC.getSymbolAddress(name);
            if (address == 0) {
                throw new UnsatisfiedLinkError("libc has no symbol " + name + ": " + Library.getLastError());
            }
            Type[] params = new Type[arity];
            Arrays.fill(params, Type.SINT64);
            this.context = CallContext.getCallContext(returns.type, params, CallingConvention.DEFAULT, true);
            this.arity = arity;
        }

        private void check(int n) {
            if (n != arity) {
                throw new IllegalArgumentException(name + " takes " + arity + " arguments, not " + n);
            }
        }

        public long call() {
            check(0);
            return INVOKER.invokeN0(context, address);
        }

        public long call(long a) {
            check(1);
            return INVOKER.invokeN1(context, address, a);
        }

        public long call(long a, long b) {
            check(2);
            return INVOKER.invokeN2(context, address, a, b);
        }

        public long call(long a, long b, long c) {
            check(3);
            return INVOKER.invokeN3(context, address, a, b, c);
        }

        public long call(long a, long b, long c, long d) {
            check(4);
            return INVOKER.invokeN4(context, address, a, b, c, d);
        }

        public long call(long a, long b, long c, long d, long e) {
            check(5);
            return INVOKER.invokeN5(context, address, a, b, c, d, e);
        }

        public long call(long a, long b, long c, long d, long e, long f) {
            check(6);
            return INVOKER.invokeN6(context, address, a, b, c, d, e, f);
        }
    }

    /** Binds libc's {@code name}, taking {@code arity} integer or pointer arguments. */
    public static Function function(String name, Returns returns, int arity) {
        return new Function(name, returns, arity);
    }

    /** errno of the last native call on this thread (saved right after the call). */
    public static int errno() {
        return LastError.getInstance().get();
    }

    /** Zeroed native memory (at least 1 byte), freed when the returned object becomes unreachable. */
    public static NativeMemory allocate(int size) {
        ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, size)).order(ByteOrder.LITTLE_ENDIAN);
        return new NativeMemory(b, IO.getDirectBufferAddress(b), null);
    }

    /**
     * Zeroed native memory (at least 1 byte) that {@link NativeMemory#release()} frees at once:
     * for the buffers of cursors and batches, which close() gives back instead of leaving them to
     * the GC (a batch's buffers can take hundreds of megabytes). If never released, it is freed
     * when its buffer becomes unreachable, as {@link #allocate} memory is. Direct buffers cannot
     * be freed on demand, so this is malloc'ed memory seen through a buffer.
     */
    public static NativeMemory allocateReleasable(int size) {
        int n = Math.max(1, size);
        long address = IO.allocateMemory(n, true);
        if (address == 0) {
            throw new OutOfMemoryError("cannot allocate " + n + " bytes of native memory");
        }
        ByteBuffer b = IO.newDirectByteBuffer(address, n).order(ByteOrder.LITTLE_ENDIAN);
        RELEASABLE_BYTES.addAndGet(n);
        // Registered on the buffer, not on the NativeMemory: whoever still holds the buffer (or a
        // slice of it, which keeps it reachable) keeps the memory, as with allocateDirect.
        return new NativeMemory(b, address, Cleaners.CLEANER.register(b, new Free(address, n)));
    }

    /** Bytes of {@link #allocateReleasable} memory allocated and not yet freed, in this JVM. */
    public static long releasableBytes() {
        return RELEASABLE_BYTES.get();
    }

    /** Frees one releasable block; holds no reference to its buffer, which the cleaner watches. */
    private record Free(long address, int size) implements Runnable {
        @Override
        public void run() {
            IO.freeMemory(address);
            RELEASABLE_BYTES.addAndGet(-size);
        }
    }

    /** The cleaner thread starts only when the first releasable block is made. */
    private static final class Cleaners {
        static final Cleaner CLEANER = Cleaner.create();
    }

    /** Native memory holding a copy of {@code bytes}. */
    public static NativeMemory copyOf(byte[] bytes) {
        NativeMemory m = allocate(bytes.length);
        m.put(0, bytes, 0, bytes.length);
        return m;
    }

    /** A NUL-terminated UTF-8 copy of {@code s}. */
    public static NativeMemory cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return copyOf(Arrays.copyOf(b, b.length + 1));
    }

    /** A little-endian buffer over {@code length} bytes of native memory at {@code address} that jbpf does not own. */
    public static ByteBuffer view(long address, int length) {
        return IO.newDirectByteBuffer(address, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The system's page size (sysconf(_SC_PAGESIZE), through jffi): mmap lengths and ring buffer
     * sizes are multiples of it, and it is not 4096 everywhere (16 KiB and 64 KiB on some arm64).
     */
    public static long pageSize() {
        return PageManager.getInstance().pageSize();
    }

    /** Closes {@code fd}, ignoring errors: used on cleanup paths where the first failure matters. */
    public static void closeQuietly(int fd) {
        if (fd >= 0) {
            LibC.close(fd);
        }
    }
}
