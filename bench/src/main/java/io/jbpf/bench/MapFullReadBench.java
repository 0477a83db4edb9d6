package io.jbpf.bench;

import io.jbpf.BpfMap;
import io.jbpf.MapBatch;
import io.jbpf.MapCursor;
import java.nio.ByteBuffer;
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
 * One operation = reading every entry of a map and summing the u64 values, the way a poller
 * reads a whole stats map: by get_next_key + lookup ({@link MapCursor}), or by
 * BPF_MAP_LOOKUP_BATCH into reused buffers ({@link MapBatch}, {@value BenchMaps#BATCH_CAPACITY}
 * entries a call). ref.c's {@code gnk_*} / {@code batch_*} do the same.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MapFullReadBench {
    @Param({"arr256", "arr64k", "hash256", "hash64k"})
    public String map;

    private BenchMaps maps;
    private MapCursor cursor;
    private MapBatch batch;
    private int entries;
    private int valueSize;

    @Setup
    public void setUp() {
        maps = BenchMaps.open();
        BpfMap m = maps.map(map);
        entries = m.maxEntries();
        valueSize = m.valueBufferSize();
        cursor = m.cursor();
        batch = m.batch(BenchMaps.BATCH_CAPACITY);
        check(nextKeyLookup(), "get_next_key + lookup");
        check(batch(), "batch");
    }

    private void check(long sum, String how) {
        long n = entries;
        long expected = 3 * (n * (n - 1) / 2) + n; // sum of 3k + 1 over k < n
        if (sum != expected) {
            throw new IllegalStateException(map + " read by " + how + ": sum " + sum + ", expected " + expected);
        }
    }

    @TearDown
    public void tearDown() {
        batch.close();
        cursor.close();
        maps.close();
    }

    @Benchmark
    public long nextKeyLookup() {
        MapCursor c = cursor;
        ByteBuffer v = c.value();
        long sum = 0;
        c.rewind();
        while (c.next()) {
            if (c.lookup()) {
                sum += v.getLong(0);
            }
        }
        return sum;
    }

    @Benchmark
    public long batch() {
        MapBatch b = batch;
        ByteBuffer values = b.values();
        int stride = valueSize;
        long sum = 0;
        b.rewind();
        for (int n = b.read(); n > 0; n = b.read()) {
            for (int i = 0; i < n; i++) {
                sum += values.getLong(i * stride);
            }
        }
        return sum;
    }
}
