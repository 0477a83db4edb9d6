package io.jbpf.ringbuf;

import java.nio.ByteBuffer;

/**
 * Receives ring buffer records from a {@link RingBufferReader}. The record is the {@code length}
 * bytes of {@code data} from {@code offset}: the kernel's memory itself, read-only and
 * little-endian, valid only during the call (the reader hands the space back to the producer
 * right after). Copy what must outlive the call. Records are never split: the kernel maps the
 * ring twice in a row, so {@code offset + length} may run past the ring's size but stays inside
 * {@code data}.
 */
@FunctionalInterface
public interface RecordHandler {
    /**
     * Called once per record, in the order the producers submitted them. A thrown exception
     * stops the reader's call and propagates; the record counts as consumed.
     */
    void onRecord(ByteBuffer data, int offset, int length);
}
