package io.jbpf.ringbuf;

import io.jbpf.BpfMap;
import io.jbpf.common.BpfException;
import io.jbpf.uapi.MapType;
import java.nio.ByteBuffer;

/**
 * Writes records from Java into a {@code BPF_MAP_TYPE_USER_RINGBUF} map (Linux 6.1+), which a
 * program reads with {@code bpf_user_ringbuf_drain}. This process is the producer: it maps the
 * producer page and the data area writable and the consumer page read-only. Claims work as in
 * agrona: {@link #reserve} gives the offset of a record's space in {@link #buffer()}, the caller
 * writes the record there and {@link #submit}s (or {@link #discard}s) it; nothing is allocated.
 *
 * <pre>{@code
 * try (UserRingBuffer out = UserRingBuffer.open(obj.map("requests"))) {
 *     int at = out.reserve(16);
 *     if (at >= 0) {
 *         out.buffer().putLong(at, 42).putLong(at + 8, 7);
 *         out.submit(at);
 *     }
 * }
 * }</pre>
 *
 * <p>One producer thread at a time (not thread-safe). Several records may be reserved at once; the
 * kernel reads up to the first one not yet submitted. Closing unmaps the ring (the map stays).
 */
public final class UserRingBuffer implements AutoCloseable {
    /** The largest record a program's dynptr can take (DYNPTR_MAX_SIZE: 2^24 - 1 bytes). */
    private static final int MAX_RECORD = (1 << 24) - 1;

    private final Ring ring;
    private boolean closed;

    private UserRingBuffer(Ring ring) {
        this.ring = ring;
    }

    /** Maps the user ring buffer {@code map} for writing records. */
    public static UserRingBuffer open(BpfMap map) {
        return new UserRingBuffer(Ring.map(map, MapType.USER_RINGBUF));
    }

    /**
     * The data area, writable, little-endian: a reserved record is at the offset {@link #reserve}
     * returned. It is the ring twice over, so a record near the end does not wrap.
     */
    public ByteBuffer buffer() {
        return ring.data;
    }

    /** Free bytes: how much more can be reserved before the program drains (each record takes its length + 8, rounded up to 8). */
    public long free() {
        checkOpen();
        return ring.size - RingLayout.pending(ring.consumerPosition(), ring.producer.getLong(0));
    }

    /**
     * Reserves {@code length} bytes for a record and returns their offset in {@link #buffer()}, or
     * -1 when the ring has not that much space free now (the program has not drained it yet).
     * A length the ring could never hold throws.
     */
    public int reserve(int length) {
        checkOpen();
        if (length < 0 || length > MAX_RECORD || RingLayout.span(length) > ring.size) {
            throw new IllegalArgumentException("a record of " + length + " bytes cannot fit user ring buffer "
                    + ring.name + " (" + ring.size + " bytes, records of at most " + MAX_RECORD + ")");
        }
        long consumer = ring.consumerPosition();
        long producer = ring.producer.getLong(0); // this process is the only writer of it
        long span = RingLayout.span(length);
        if (ring.size - RingLayout.pending(consumer, producer) < span) {
            return -1;
        }
        int header = RingLayout.offset(producer, ring.size);
        ring.data.putInt(header, length | RingLayout.BUSY_BIT);
        ring.data.putInt(header + 4, 0);
        // Publishes the busy header with the new producer position: the kernel stops at it.
        ring.producerPosition(producer + span);
        return header + RingLayout.HEADER_SIZE;
    }

    /** Hands the record reserved at {@code offset} to the kernel. */
    public void submit(int offset) {
        commit(offset, 0);
    }

    /** Gives up the record reserved at {@code offset}: the kernel skips it. */
    public void discard(int offset) {
        commit(offset, RingLayout.DISCARD_BIT);
    }

    private void commit(int offset, int bits) {
        checkOpen();
        int at = offset - RingLayout.HEADER_SIZE;
        int header = at >= 0 && at < ring.size && (at & 7) == 0 ? ring.data.getInt(at) : 0;
        if (!RingLayout.busy(header)) {
            throw new IllegalArgumentException("offset " + offset + " is not a record reserved and not yet submitted in "
                    + "user ring buffer " + ring.name);
        }
        // Release: the record's bytes are visible to the kernel before the cleared busy bit.
        Ring.INTS.getAndSet(ring.data, at, RingLayout.length(header) | bits);
    }

    private void checkOpen() {
        if (closed) {
            throw new BpfException("user ring buffer " + ring.name + " is closed");
        }
    }

    /** Unmaps the ring; records submitted stay in the map for the program to drain. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            ring.unmap();
        }
    }
}
