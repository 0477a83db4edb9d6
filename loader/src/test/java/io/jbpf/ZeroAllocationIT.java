package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.spec.MapSpec;
import io.jbpf.testing.Kernel;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.UpdateFlags;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The polling paths allocate nothing per call once warm: measured with the JVM's per-thread
 * allocation counter over many calls (a property of the code, not a timing).
 */
class ZeroAllocationIT {
    private static final int CALLS = 20_000;
    private static final int ROUNDS = 10;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    /**
     * Bytes this thread allocates in CALLS runs of {@code body} in steady state: rounds of CALLS
     * runs until one allocates nothing, at most ROUNDS of them (the last round's count is
     * returned). Code still interpreted or compiled by C1, as after a deoptimisation that an
     * earlier test in this JVM caused, may allocate where the final compiled code does not; code
     * that allocates per call in its compiled form cannot give a round of 0 bytes.
     */
    private static long allocatedInARound(Runnable body) {
        for (int i = 0; i < CALLS; i++) {
            body.run();
        }
        long tid = Thread.currentThread().getId();
        long bytes = -1;
        for (int round = 0; round < ROUNDS && bytes != 0; round++) {
            long before = THREADS.getThreadAllocatedBytes(tid);
            for (int i = 0; i < CALLS; i++) {
                body.run();
            }
            bytes = THREADS.getThreadAllocatedBytes(tid) - before;
        }
        return bytes;
    }

    @Test
    void cursorLookupAndUpdate() {
        try (BpfMap hash = BpfMap.create(MapSpec.of("za_hash", MapType.HASH, 4, 8, 256));
             BpfMap percpu = BpfMap.create(MapSpec.of("za_percpu", MapType.PERCPU_ARRAY, 4, 16, 256));
             MapCursor c = hash.cursor()) {
            c.key().putInt(0, 7);
            c.value().putLong(0, 42);
            c.update(UpdateFlags.ANY);
            long[] sink = new long[2]; // sum of the values read, lookups made
            assertThat(allocatedInARound(() -> {
                c.lookup();
                sink[0] += c.value().getLong(0);
                sink[1]++;
            })).as("lookup bytes").isZero();
            assertThat(allocatedInARound(() -> c.update(UpdateFlags.EXIST))).as("update bytes").isZero();
            MapCursor miss = hash.cursor(); // a key that is absent: JDK 17's downcall path calls twice
            miss.key().putInt(0, 8);
            assertThat(allocatedInARound(() -> {
                if (miss.lookup()) {
                    throw new AssertionError("key 8 present");
                }
            })).as("absent-key lookup bytes").isZero();
            MapCursor p = percpu.cursor();
            p.key().putInt(0, 3);
            assertThat(allocatedInARound(() -> p.lookup())).as("per-CPU lookup bytes").isZero();
            assertThat(sink[0]).isEqualTo(42L * sink[1]);
        }
    }

    @Test
    void batchReadAndMmapRead() {
        try (BpfMap hash = BpfMap.create(MapSpec.of("za_bhash", MapType.HASH, 4, 8, 1024));
             BpfMap arr = BpfMap.create(MapSpec.of("za_mmap", MapType.ARRAY, 4, 8, 1024, MapFlag.MMAPABLE));
             MapBatch w = hash.batch(1024)) {
            for (int i = 0; i < 1000; i++) {
                w.keys().putInt(i * 4, i);
                w.values().putLong(i * 8, i);
            }
            w.update(1000, UpdateFlags.ANY);
            MapBatch b = hash.batch(1024);
            long[] seen = new long[2]; // entries read, passes made
            assertThat(allocatedInARound(() -> {
                b.rewind();
                for (int n = b.read(); n > 0; n = b.read()) {
                    seen[0] += n;
                }
                seen[1]++;
            })).as("batch full read bytes").isZero();
            assertThat(seen[0]).isEqualTo(1000L * seen[1]);

            try (MmapArray m = arr.mmap(MmapAccess.READ_WRITE)) {
                m.putLong(5, 0, 55);
                long[] sum = new long[2]; // sum of the values read, reads made
                assertThat(allocatedInARound(() -> {
                    sum[0] += m.getLong(5, 0);
                    sum[1]++;
                })).as("mmap read bytes").isZero();
                byte[] snap = new byte[1024 * 8];
                assertThat(allocatedInARound(() -> m.snapshot(snap))).as("mmap snapshot bytes").isZero();
                assertThat(sum[0]).isEqualTo(55L * sum[1]);
            }
        }
    }
}
