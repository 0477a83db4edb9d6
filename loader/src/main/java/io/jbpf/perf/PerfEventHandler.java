package io.jbpf.perf;

import java.nio.ByteBuffer;

/**
 * What a {@link PerfBuffer} calls for each record it reads. The buffer handed to
 * {@link #onSample} is a read-only view of the ring (or, for a record that wraps around the ring's
 * end, of a scratch buffer the reader allocated once): read it with absolute gets between
 * {@code offset} and {@code offset + length}, during the call only; the kernel may overwrite it as
 * soon as the call returns. Nothing is allocated per record.
 */
@FunctionalInterface
public interface PerfEventHandler {
    /**
     * A record written by {@code bpf_perf_event_output} on CPU {@code cpu}. {@code length} is
     * the raw size the kernel reports, which it pads so that the record's size is a multiple of 8:
     * it may exceed what the program passed by up to 7 bytes (zeros).
     */
    void onSample(int cpu, ByteBuffer buffer, int offset, int length);

    /**
     * The kernel could not write {@code lost} records on CPU {@code cpu} because the ring was full
     * (a PERF_RECORD_LOST record, which the kernel writes once there is room again). The reader
     * also adds them to {@link PerfBuffer#lost}; the default does nothing more.
     */
    default void onLost(int cpu, long lost) {
    }
}
