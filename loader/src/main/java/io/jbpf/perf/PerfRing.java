package io.jbpf.perf;

import static io.jbpf.perf.PerfRecordLayout.HEADER_SIZE;
import static io.jbpf.perf.PerfRecordLayout.LOST_COUNT;
import static io.jbpf.perf.PerfRecordLayout.PERF_RECORD_LOST;
import static io.jbpf.perf.PerfRecordLayout.PERF_RECORD_SAMPLE;
import static io.jbpf.perf.PerfRecordLayout.RAW_DATA;
import static io.jbpf.perf.PerfRecordLayout.RAW_SIZE;
import static io.jbpf.perf.PerfRecordLayout.SIZE;
import static io.jbpf.perf.PerfRecordLayout.TYPE;

import io.jbpf.common.BpfException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The reading side of one CPU's perf ring, over a meta page and a data area given as direct
 * buffers (the mmapped ring, or synthetic ones in unit tests). Pure logic: it owns no memory
 * and no fd.
 */
final class PerfRing {
    /** Acquire loads of data_head, release stores of data_tail, on the direct buffer over the meta page. */
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Plain little-endian loads: no byte-order test per load, as ByteBuffer.getInt has. */
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    final int cpu;
    private final ByteBuffer meta;
    private final ByteBuffer data;
    private final ByteBuffer dataView;
    private final ByteBuffer scratch;
    private final ByteBuffer scratchView;
    private final int capacity;
    private long lost;
    private long wrapped;

    /**
     * @param data    the data area, its capacity a power of two
     * @param scratch where a record that wraps is copied (shared by the rings of one reader,
     *                which reads them one at a time), at least as large as the largest record
     */
    PerfRing(int cpu, ByteBuffer meta, ByteBuffer data, ByteBuffer scratch) {
        int capacity = data.capacity();
        if (Integer.bitCount(capacity) != 1 || capacity < HEADER_SIZE) {
            throw new IllegalArgumentException("perf ring data size " + capacity + " is not a power of two");
        }
        this.cpu = cpu;
        this.meta = meta.order(ByteOrder.LITTLE_ENDIAN);
        this.data = data.order(ByteOrder.LITTLE_ENDIAN);
        this.dataView = data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.scratch = scratch.order(ByteOrder.LITTLE_ENDIAN);
        this.scratchView = scratch.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.capacity = capacity;
    }

    /** Whether the kernel has written records this ring has not read. */
    boolean hasData() {
        return (long) LONGS.getAcquire(meta, PerfEventMmapPage.DATA_HEAD) != (long) LONGS.get(meta, PerfEventMmapPage.DATA_TAIL);
    }

    /**
     * Reads up to {@code limit} samples (lost records are reported and do not count), handing
     * each to {@code handler}; returns how many. data_tail moves past every record read, also
     * when the handler throws (that record counts as read).
     */
    int read(PerfEventHandler handler, int limit) {
        long head = (long) LONGS.getAcquire(meta, PerfEventMmapPage.DATA_HEAD);
        // This reader is data_tail's only writer: a plain load sees its own last store.
        long tail = (long) LONGS.get(meta, PerfEventMmapPage.DATA_TAIL);
        // The record-to-record path works on locals, with the rare cases (a record wrapping around
        // the end, a lost report, a corrupt size) out of line: measured beside libbpf (bench/,
        // perfbuf rows), this ring's fields reloaded on every record cost the loop a quarter of its time.
        ByteBuffer view = dataView;
        int capacity = this.capacity;
        int mask = capacity - 1;
        int cpu = this.cpu;
        int budget = limit;
        try {
            while (tail != head && budget > 0) {
                int at = (int) tail & mask;
                // The whole header in one load (type u32 at 0, misc u16 at 4, size u16 at 6).
                long header = (long) LONGS.get(view, at + TYPE);
                int size = (int) (header >>> (8 * SIZE));
                int type = (int) header;
                if (size < HEADER_SIZE || (size & 7) != 0 || Long.compareUnsigned(head - tail, size) < 0) {
                    throw badSize(size, tail, head);
                }
                tail += size;
                if (at + size > capacity) {
                    budget -= readWrapped(handler, at, size, type);
                } else if (type == PERF_RECORD_SAMPLE) {
                    int raw = (int) INTS.get(view, at + RAW_SIZE);
                    if (raw < 0 || RAW_DATA + raw > size) {
                        throw badSample(raw, size);
                    }
                    budget--;
                    handler.onSample(cpu, view, at + RAW_DATA, raw);
                } else {
                    other(handler, view, at, type);
                }
            }
        } finally {
            LONGS.setRelease(meta, PerfEventMmapPage.DATA_TAIL, tail);
        }
        return limit - budget;
    }

    /** A record that wraps around the ring's end: its two parts copied into the scratch buffer. Returns 1 for a sample. */
    private int readWrapped(PerfEventHandler handler, int at, int size, int type) {
        int first = capacity - at;
        scratch.put(0, data, at, first);
        scratch.put(first, data, 0, size - first);
        wrapped++;
        if (type == PERF_RECORD_SAMPLE) {
            int raw = scratchView.getInt(RAW_SIZE);
            if (raw < 0 || RAW_DATA + raw > size) {
                throw badSample(raw, size);
            }
            handler.onSample(cpu, scratchView, RAW_DATA, raw);
            return 1;
        }
        other(handler, scratchView, 0, type);
        return 0;
    }

    /** A record other than a sample: a lost report is counted and handed on; other types (none with PERF_COUNT_SW_BPF_OUTPUT and PERF_SAMPLE_RAW) are skipped. */
    private void other(PerfEventHandler handler, ByteBuffer b, int at, int type) {
        if (type == PERF_RECORD_LOST) {
            long count = b.getLong(at + LOST_COUNT);
            lost += count;
            handler.onLost(cpu, count);
        }
    }

    private BpfException badSize(int size, long tail, long head) {
        return new BpfException("perf ring of CPU " + cpu + ": bad record size " + size + " at " + tail + " (data_head " + head + ")");
    }

    private BpfException badSample(int raw, int size) {
        return new BpfException("perf ring of CPU " + cpu + ": sample of " + raw + " bytes in a record of " + size);
    }

    /** Records the kernel reported lost on this ring so far. */
    long lost() {
        return lost;
    }

    /** Records read so far that wrapped around the ring's end (copied to the scratch buffer). */
    long wrapped() {
        return wrapped;
    }
}
