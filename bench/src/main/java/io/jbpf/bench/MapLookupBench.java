package io.jbpf.bench;

import io.jbpf.BpfMap;
import io.jbpf.MapCursor;
import io.jbpf.uapi.UpdateFlags;
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
 * One element per operation through {@link MapCursor}: a lookup of key {@value BenchMaps#KEY}
 * (the u64 read back is the result) and an update of it with {@code BPF_ANY}. ref.c's
 * {@code lookup_*} / {@code update_*} do the same bpf(2) calls on the same pinned maps.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MapLookupBench {
    /** arr256: ARRAY, hash64k: HASH holding 65,536 keys, pcpu256: PERCPU_ARRAY (one u64 per CPU). */
    @Param({"arr256", "hash64k", "pcpu256"})
    public String map;

    private BenchMaps maps;
    private MapCursor cursor;
    private ByteBuffer value;
    private long counter;

    @Setup
    public void setUp() {
        maps = BenchMaps.open();
        cursor = maps.map(map).cursor();
        cursor.key().putInt(0, BenchMaps.KEY);
        value = cursor.value();
        if (!cursor.lookup() || value.getLong(0) != BenchMaps.valueOf(BenchMaps.KEY)) {
            throw new IllegalStateException(map + ": key " + BenchMaps.KEY + " missing or wrong");
        }
    }

    @TearDown
    public void tearDown() {
        // Put back what update() wrote, so a later benchmark (or ref.c) sees the filled value.
        cursor.key().putInt(0, BenchMaps.KEY);
        for (int off = 0; off < value.capacity(); off += 8) {
            value.putLong(off, BenchMaps.valueOf(BenchMaps.KEY) + off / 8);
        }
        cursor.update(UpdateFlags.ANY);
        cursor.close();
        maps.close();
    }

    @Benchmark
    public long lookup() {
        if (!cursor.lookup()) {
            throw new IllegalStateException("key vanished");
        }
        return value.getLong(0);
    }

    @Benchmark
    public void update() {
        value.putLong(0, ++counter);
        cursor.update(UpdateFlags.ANY);
    }
}
