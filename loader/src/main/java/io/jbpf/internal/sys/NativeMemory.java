package io.jbpf.internal.sys;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A block of native memory that jbpf owns: a little-endian direct buffer and its address, for
 * passing to the kernel. Freed with the buffer, when it becomes unreachable, or, for memory from
 * {@link Native#allocateReleasable}, at once by {@link #release()}. Not thread-safe.
 */
public final class NativeMemory {
    private final ByteBuffer buffer;
    private final long address;
    /** Frees releasable memory (at most once, whoever comes first: release() or the cleaner); else null. */
    private final Cleaner.Cleanable free;

    NativeMemory(ByteBuffer buffer, long address, Cleaner.Cleanable free) {
        this.buffer = buffer;
        this.address = address;
        this.free = free;
    }

    /**
     * Returns releasable memory to the system now (a second call does nothing); memory from
     * {@link Native#allocate} is left to the GC. Afterwards neither this object nor any buffer
     * obtained from it may be touched, nor its address handed to the kernel: the owner (a
     * cursor, a batch) makes sure of that by refusing calls once closed.
     */
    public void release() {
        if (free != null) {
            free.clean();
        }
    }

    /** The address to hand to the kernel. */
    public long address() {
        return address;
    }

    /** The memory as a little-endian direct buffer (absolute gets and puts; its position is not used). */
    public ByteBuffer buffer() {
        return buffer;
    }

    public int size() {
        return buffer.capacity();
    }

    public void putByte(int offset, byte v) {
        buffer.put(offset, v);
    }

    public void putShort(int offset, short v) {
        buffer.putShort(offset, v);
    }

    public void putInt(int offset, int v) {
        buffer.putInt(offset, v);
    }

    public void putLong(int offset, long v) {
        buffer.putLong(offset, v);
    }

    public byte getByte(int offset) {
        return buffer.get(offset);
    }

    public short getShort(int offset) {
        return buffer.getShort(offset);
    }

    public int getInt(int offset) {
        return buffer.getInt(offset);
    }

    public long getLong(int offset) {
        return buffer.getLong(offset);
    }

    /** Copies {@code length} bytes of {@code src} from {@code index} to {@code offset}. */
    public void put(int offset, byte[] src, int index, int length) {
        buffer.put(offset, src, index, length);
    }

    /** Copies {@code length} bytes at {@code offset} into {@code dst} from {@code index}. */
    public void get(int offset, byte[] dst, int index, int length) {
        buffer.get(offset, dst, index, length);
    }

    /** The NUL-terminated UTF-8 string at {@code offset}, at most {@code max} bytes long. */
    public String getString(int offset, int max) {
        int n = 0;
        while (n < max && buffer.get(offset + n) != 0) {
            n++;
        }
        byte[] b = new byte[n];
        buffer.get(offset, b, 0, n);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Sets {@code length} bytes from {@code offset} to {@code value}. */
    public void fill(int offset, int length, byte value) {
        for (int i = offset; i < offset + length; i++) {
            buffer.put(i, value);
        }
    }
}
