package io.jbpf.ringbuf;

/**
 * The layout the kernel gives a BPF ring buffer ({@code kernel/bpf/ringbuf.c}), in one place:
 * page 0 holds the consumer position, page 1 the producer position, and the data area of
 * {@code size} bytes (max_entries: a power of two, a multiple of the page size) follows, mapped
 * twice in a row so that a record that runs past the end is still contiguous. Each record starts
 * with an 8-byte header (u32 length with the busy and discard bits, u32 page offset the kernel
 * uses) and takes its length plus the header rounded up to 8 bytes. Positions are byte counts
 * that only grow; {@code position & (size - 1)} is the offset in the data area.
 *
 * <p>Pure arithmetic, no memory access: unit-tested by itself.
 */
final class RingLayout {
    /** BPF_RINGBUF_HDR_SZ. */
    static final int HEADER_SIZE = 8;
    /** BPF_RINGBUF_BUSY_BIT: the producer has reserved the record and not yet submitted it. */
    static final int BUSY_BIT = 1 << 31;
    /** BPF_RINGBUF_DISCARD_BIT: the record was discarded; consumers skip it. */
    static final int DISCARD_BIT = 1 << 30;
    private static final int LENGTH_MASK = ~(BUSY_BIT | DISCARD_BIT);
    /**
     * The largest data area jbpf maps: twice it must fit a Java buffer (2 GiB - 1). The kernel
     * allows more, but a 1 GiB ring buffer read from Java is beyond any use seen.
     */
    static final long MAX_SIZE = 1L << 29;

    private RingLayout() {
    }

    /** The record's length in bytes, without the busy and discard bits. */
    static int length(int header) {
        return header & LENGTH_MASK;
    }

    static boolean busy(int header) {
        return (header & BUSY_BIT) != 0;
    }

    static boolean discarded(int header) {
        return (header & DISCARD_BIT) != 0;
    }

    /** Bytes a record of {@code length} takes in the ring: header + length, rounded up to 8. */
    static long span(int length) {
        return ((long) length + HEADER_SIZE + 7) & ~7L;
    }

    /**
     * Bytes the record of a header that is not busy takes in the ring, as {@link #span(int)}
     * of its length, from the header itself: the discard bit (bit 30) cannot carry into the
     * length's bits for lengths below 2^30 - 15, and the mask drops it. Two operations on the
     * reader's path from one header to the next instead of three.
     */
    static int spanOf(int header) {
        return (header + HEADER_SIZE + 7) & (LENGTH_MASK & ~7);
    }

    /** Offset of the header of the record at {@code position} in the (double-mapped) data area. */
    static int offset(long position, long size) {
        return (int) (position & (size - 1));
    }

    /** Bytes between the consumer and the producer: data not yet consumed (or free, its complement). */
    static long pending(long consumer, long producer) {
        return producer - consumer;
    }

    /** Length of the second mapping: the producer page plus the data area twice. */
    static long producerMappingLength(long size, long page) {
        return page + 2 * size;
    }

    /**
     * Why a ring buffer of {@code size} bytes cannot be mapped with pages of {@code page} bytes, or
     * null when it can.
     */
    static String unmappable(long size, long page) {
        if (size <= 0 || Long.bitCount(size) != 1 || size % page != 0) {
            return "its size " + size + " is not a power of two multiple of the page size " + page;
        }
        if (size > MAX_SIZE) {
            return "its size " + size + " is more than jbpf maps (" + MAX_SIZE + " bytes)";
        }
        return null;
    }
}
