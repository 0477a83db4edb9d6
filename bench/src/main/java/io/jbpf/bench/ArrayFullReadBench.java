package io.jbpf.bench;

import io.jbpf.BpfMap;
import io.jbpf.MapCursor;
import io.jbpf.MmapAccess;
import io.jbpf.MmapArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One operation = summing every u64 of a {@code BPF_F_MMAPABLE} array: by a lookup per index
 * (what code without mmap does for an array), through the mapping with
 * {@link MmapArray#getLong}, or by {@link MmapArray#snapshot(ByteBuffer)} into a reused direct
 * buffer (or {@link MmapArray#snapshot(byte[])} into a reused array) and summing the copy. ref.c's {@code keyloop_*} / {@code mmap_*} are the C counterparts
 * (its mmap loop is a plain loop over the same mapping).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ArrayFullReadBench {
    @Param({"arr256", "arr64k"})
    public String map;

    private BenchMaps maps;
    private MapCursor cursor;
    private MmapArray mmap;
    private ByteBuffer copy;
    private byte[] heapCopy;
    private ByteBuffer heapView;
    private int entries;

    @Setup
    public void setUp() {
        maps = BenchMaps.open();
        BpfMap m = maps.map(map);
        entries = m.maxEntries();
        cursor = m.cursor();
        mmap = m.mmap(MmapAccess.READ_ONLY);
        if (mmap.stride() != Long.BYTES) { // the snapshot sums below read 8-byte entries
            throw new IllegalStateException(map + ": entries " + mmap.stride() + " bytes apart, not 8");
        }
        copy = ByteBuffer.allocateDirect(entries * mmap.stride()).order(ByteOrder.LITTLE_ENDIAN);
        heapCopy = new byte[entries * mmap.stride()];
        heapView = ByteBuffer.wrap(heapCopy).order(ByteOrder.LITTLE_ENDIAN);
        long n = entries;
        long expected = 3 * (n * (n - 1) / 2) + n;
        if (lookupEachKey() != expected || mmapGetLong() != expected || mmapSnapshot() != expected
                || mmapSnapshotHeap() != expected) {
            throw new IllegalStateException(map + ": unexpected contents");
        }
    }

    @TearDown
    public void tearDown() {
        mmap.close();
        cursor.close();
        maps.close();
    }

    @Benchmark
    public long lookupEachKey() {
        MapCursor c = cursor;
        ByteBuffer k = c.key();
        ByteBuffer v = c.value();
        long sum = 0;
        for (int i = 0; i < entries; i++) {
            k.putInt(0, i);
            if (c.lookup()) {
                sum += v.getLong(0);
            }
        }
        return sum;
    }

    @Benchmark
    public long mmapGetLong() {
        MmapArray a = mmap;
        long sum = 0;
        for (int i = 0, n = entries; i < n; i++) {
            sum += a.getLong(i, 0);
        }
        return sum;
    }

    @Benchmark
    public long mmapSnapshot() {
        mmap.snapshot(copy);
        return sumOfEntries(copy);
    }

    @Benchmark
    public long mmapSnapshotHeap() {
        mmap.snapshot(heapCopy);
        return sumOfEntries(heapView);
    }

    /** The sum of the 8-byte entries of a snapshot in {@code b}, as C's loop over its copy. */
    private long sumOfEntries(ByteBuffer b) {
        long sum = 0;
        for (int i = 0, n = entries; i < n; i++) {
            sum += b.getLong(i * Long.BYTES);
        }
        return sum;
    }
}
