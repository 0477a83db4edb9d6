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
        // The record-to-record path (a sample that does not wrap) works on locals and makes no
        // call but the handler's; anything else leaves it for one record. A call the JIT cannot
        // inline spills every live value around it, and the loop paid for that on each record:
        // measured beside libbpf (bench/, perfbuf rows), a quarter of its time.
        ByteBuffer view = dataView;
        int capacity = this.capacity;
        int mask = capacity - 1;
        int cpu = this.cpu;
        int budget = limit;
        try {
            while (true) {
                // The fast loop: no call but the handler's, so its values stay in registers.
                while (tail != head && budget > 0) {
                    int at = (int) tail & mask;
                    // The whole header in one load (type u32 at 0, misc u16 at 4, size u16 at 6).
                    long header = (long) LONGS.get(view, at + TYPE);
                    int size = (int) (header >>> (8 * SIZE));
                    int raw;
                    // The raw size is read only once the record is known to lie before the ring's end.
                    if ((int) header != PERF_RECORD_SAMPLE || size < RAW_DATA || at + size > capacity || (size & 7) != 0
                            || Long.compareUnsigned(head - tail, size) < 0
                            || (raw = (int) INTS.get(view, at + RAW_SIZE)) < 0 || RAW_DATA + raw > size) {
                        break;
                    }
                    tail += size;
                    budget--;
                    handler.onSample(cpu, view, at + RAW_DATA, raw);
                }
                if (tail == head || budget <= 0) {
                    break;
                }
                // One record off the fast path.
                int at = (int) tail & mask;
                long header = (long) LONGS.get(view, at + TYPE);
                int size = checkedSize(header, tail, head);
                tail += size;
                budget -= readOther(handler, at, size, (int) header);
            }
        } finally {
            LONGS.setRelease(meta, PerfEventMmapPage.DATA_TAIL, tail);
        }
        return limit - budget;
    }

    /** The size in a record's header, checked against what the ring holds. */
    private int checkedSize(long header, long tail, long head) {
        int size = (int) (header >>> (8 * SIZE));
        if (size < HEADER_SIZE || (size & 7) != 0 || Long.compareUnsigned(head - tail, size) < 0) {
            throw new BpfException("perf ring of CPU " + cpu + ": bad record size " + size + " at " + tail
                    + " (data_head " + head + ")");
        }
        return size;
    }

    /**
     * A record off the fast path: one that wraps around the ring's end (its two parts copied into
     * the scratch buffer), a lost report, another type, or a sample whose size is wrong. Returns 1
     * for a sample handed to the handler.
     */
    private int readOther(PerfEventHandler handler, int at, int size, int type) {
        ByteBuffer b = dataView;
        if (at + size > capacity) {
            int first = capacity - at;
            scratch.put(0, data, at, first);
            scratch.put(first, data, 0, size - first);
            wrapped++;
            b = scratchView;
            at = 0;
        }
        if (type == PERF_RECORD_SAMPLE) {
            int raw = b.getInt(at + RAW_SIZE);
            if (raw < 0 || RAW_DATA + raw > size) {
                throw new BpfException("perf ring of CPU " + cpu + ": sample of " + raw + " bytes in a record of " + size);
            }
            handler.onSample(cpu, b, at + RAW_DATA, raw);
            return 1;
        }
        if (type == PERF_RECORD_LOST) {
            long count = b.getLong(at + LOST_COUNT);
            lost += count;
            handler.onLost(cpu, count);
        }
        // Other record types (none with PERF_COUNT_SW_BPF_OUTPUT and PERF_SAMPLE_RAW) are skipped.
        return 0;
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
