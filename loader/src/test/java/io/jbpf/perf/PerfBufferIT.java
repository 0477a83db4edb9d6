package io.jbpf.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.BpfMap;
import io.jbpf.BpfObject;
import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.internal.sys.PossibleCpus;
import io.jbpf.spec.MapSpec;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.uapi.MapType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * hooks/jpb_perf_output.o's jpb_emit, run through BPF_PROG_TEST_RUN on a chosen CPU, writes
 * numbered records into the perf event array jpb_events; a PerfBuffer reads them back.
 */
@Tag("vm")
class PerfBufferIT {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static BpfObject load() {
        return BpfObject.load(Objects.path("hooks/jpb_perf_output.o"));
    }

    /** Runs jpb_emit on {@code cpu}: {@code n} records numbered from {@code first}, {@code len} bytes each. */
    private static void emit(BpfProgram p, int cpu, int n, int first, int len) {
        NativeMemory ctx = Native.allocate(24);
        ctx.putLong(0, n);
        ctx.putLong(8, first);
        ctx.putLong(16, len);
        BpfSyscall.TestRunResult r = BpfSyscall.progTestRunOnCpu(p.fd(), ctx.address(), 24, cpu);
        Reference.reachabilityFence(ctx);
        if (r.error() != 0 || r.retval() != 0) {
            throw new AssertionError("jpb_emit on CPU " + cpu + ": error " + r.error() + ", retval " + r.retval());
        }
    }

    /** Checks every byte of each record and that each CPU's sequence numbers follow one another. */
    private static final class Checker implements PerfEventHandler {
        final Map<Integer, Integer> nextSeq = new HashMap<>();
        final Map<Integer, Long> lostByCpu = new HashMap<>();
        long samples;
        int expectedLen;
        /** Sequence numbers only increase (records missing), rather than follow one another. */
        boolean gaps;

        Checker(int expectedLen) {
            this.expectedLen = expectedLen;
        }

        @Override
        public void onSample(int cpu, ByteBuffer b, int off, int length) {
            int seq = b.getInt(off);
            int len = b.getInt(off + 8);
            if (b.getInt(off + 4) != cpu || len != expectedLen || length < len || length - len >= 8
                    || b.getInt(off + 12) != ~seq || b.getInt(off + len - 4) != (seq ^ 0xa5a5a5a5)) {
                throw new AssertionError("record " + seq + " on CPU " + cpu + ": header " + b.getInt(off + 4) + "/" + len
                        + "/" + b.getInt(off + 12) + ", " + length + " bytes");
            }
            for (int j = 16; j < len - 4; j++) {
                if (b.get(off + j) != (byte) (j * 7)) {
                    throw new AssertionError("record " + seq + " on CPU " + cpu + ": byte " + j);
                }
            }
            Integer expected = nextSeq.get(cpu);
            if (expected != null && (gaps ? seq < expected : expected != seq)) {
                throw new AssertionError("CPU " + cpu + ": record " + seq + " where " + expected + " was next");
            }
            nextSeq.put(cpu, seq + 1);
            samples++;
        }

        @Override
        public void onLost(int cpu, long lost) {
            lostByCpu.merge(cpu, lost, Long::sum);
        }
    }

    /** Polls until {@code total} samples arrived (or 5 s pass without progress). */
    private static void drain(PerfBuffer r, Checker c, long total) {
        while (c.samples < total) {
            if (r.poll(5000, 64) == 0 && c.samples < total) {
                throw new AssertionError("only " + c.samples + " of " + total + " records arrived");
            }
        }
    }

    @Test
    void everyOnlineCpusRecordsArriveExactlyOnceInOrder() {
        int before = Fds.count();
        Checker c = new Checker(64);
        try (BpfObject o = load(); PerfBuffer r = PerfBuffer.open(o.map("jpb_events"), PerfBufferOptions.defaults(), c)) {
            int[] cpus = PossibleCpus.online();
            assertThat(r.cpus()).containsExactly(cpus);
            for (int round = 0; round < 3; round++) {
                for (int cpu : cpus) {
                    emit(o.program("jpb_emit"), cpu, 200, cpu * 1_000_000 + round * 200, 64);
                }
            }
            drain(r, c, 600L * cpus.length);
            assertThat(r.consume(1000)).as("nothing more").isZero();
            assertThat(r.poll(50, 1000)).as("nothing more after a wait").isZero();
            for (int cpu : cpus) {
                assertThat(c.nextSeq.get(cpu)).as("CPU " + cpu).isEqualTo(cpu * 1_000_000 + 600);
            }
            assertThat(r.lost()).isZero();
            assertThat(c.lostByCpu).isEmpty();
            assertThat(o.variable("jpb_failed").getLong()).isZero();
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    /** 112-byte records in a 4096-byte ring: the 37th (at 4032) and every so often after wrap. */
    @Test
    void recordsThatWrapTheRingsEndArriveIntact() {
        Checker c = new Checker(100);
        try (BpfObject o = load(); PerfBuffer r = PerfBuffer.open(o.map("jpb_events"), PerfBufferOptions.pages(1), c)) {
            int cpu = r.cpus()[r.cpus().length - 1];
            int total = 0;
            for (int batch = 0; batch < 10; batch++) {
                emit(o.program("jpb_emit"), cpu, 30, total, 100); // 3360 bytes: fits the ring
                total += 30;
                drain(r, c, total);
            }
            assertThat(c.nextSeq).containsExactly(Map.entry(cpu, 300));
            if (Native.pageSize() == 4096) {
                assertThat(r.wrapped()).as("33600 bytes through a 4096-byte ring of 112-byte records").isGreaterThanOrEqualTo(7);
            }
            assertThat(r.lost()).isZero();
        }
    }

    @Test
    void anOverfullRingReportsWhatItLost() {
        Checker c = new Checker(100);
        c.gaps = true; // the records the ring had no room for are missing
        try (BpfObject o = load(); PerfBuffer r = PerfBuffer.open(o.map("jpb_events"), PerfBufferOptions.pages(1), c)) {
            int cpu = r.cpus()[0];
            int ringRecords = (int) (Native.pageSize() / 112);
            int emitted = 3 * ringRecords;
            emit(o.program("jpb_emit"), cpu, emitted, 0, 100);
            long failed = o.variable("jpb_failed").getLong();
            assertThat(failed).as("outputs refused by a full ring").isPositive();

            drain(r, c, emitted - failed);
            // The kernel writes PERF_RECORD_LOST once there is room again: with the next output.
            emit(o.program("jpb_emit"), cpu, 1, emitted, 100);
            drain(r, c, emitted - failed + 1);
            assertThat(r.lost()).isEqualTo(failed);
            assertThat(r.lost(cpu)).isEqualTo(failed);
            assertThat(c.lostByCpu).containsExactly(Map.entry(cpu, failed));
            assertThat(c.samples + r.lost()).as("found + lost = emitted").isEqualTo(emitted + 1);
        }
    }

    private static long perfMappings() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("perf_event")).count();
    }

    @Test
    void closingWhileEventsArriveFreesEveryMmapAndFd() throws Exception {
        try (BpfObject o = load()) {
            int fdsBefore = Fds.count();
            long mapsBefore = perfMappings();
            int cpu = PossibleCpus.online()[0];
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong runs = new AtomicLong();
            Thread producer = new Thread(() -> {
                while (!stop.get()) {
                    emit(o.program("jpb_emit"), cpu, 20, 0, 64);
                    runs.incrementAndGet();
                }
            }, "jpb-producer");
            producer.start();
            try {
                for (int i = 0; i < 5; i++) {
                    PerfBuffer r = PerfBuffer.open(o.map("jpb_events"), PerfBufferOptions.pages(2), (c, b, off, len) -> { });
                    assertThat(perfMappings()).isEqualTo(mapsBefore + r.cpus().length);
                    long got = 0;
                    while (got < 100) {
                        got += r.poll(5000, 50);
                    }
                    r.close();
                    assertThat(perfMappings()).isEqualTo(mapsBefore);
                    assertThatThrownBy(() -> r.consume(1)).isInstanceOf(BpfException.class)
                            .hasMessageContaining("closed");
                }
            } finally {
                stop.set(true);
                producer.join();
            }
            assertThat(runs.get()).isPositive();
            assertThat(Fds.count()).isEqualTo(fdsBefore);
            // The reader removed its map entries: outputs now fail instead of filling a ring.
            long failed = o.variable("jpb_failed").getLong();
            emit(o.program("jpb_emit"), cpu, 5, 0, 64);
            assertThat(o.variable("jpb_failed").getLong()).isEqualTo(failed + 5);
        }
    }

    /** 200 records of 72 bytes per round through a 16 KiB ring: rounds wrap its end again and again. */
    @Test
    void consumingAllocatesNothingPerRecord() {
        long[] sum = new long[1];
        PerfEventHandler h = (cpuOf, b, off, len) -> sum[0] += b.getInt(off);
        try (BpfObject o = load(); PerfBuffer r = PerfBuffer.open(o.map("jpb_events"), PerfBufferOptions.pages(4), h)) {
            int cpu = r.cpus()[0];
            long tid = Thread.currentThread().getId();
            long bytes = -1;
            long consumed = 0;
            // At least 10 rounds, then until one allocates nothing (the first ones run interpreted or in C1 code).
            for (int round = 0; round < 100 && (round < 10 || bytes != 0); round++) {
                emit(o.program("jpb_emit"), cpu, 200, 0, 60);
                long before = THREADS.getThreadAllocatedBytes(tid);
                int n = 0;
                while (n < 200) {
                    n += r.consume(64);
                }
                bytes = THREADS.getThreadAllocatedBytes(tid) - before;
                consumed += n;
            }
            assertThat(bytes).as("bytes allocated consuming 200 records").isZero();
            if (Native.pageSize() == 4096) {
                assertThat(r.wrapped()).as("records that wrapped").isPositive();
            }
            assertThat(sum[0]).isEqualTo(consumed / 200 * (199L * 200 / 2));
            assertThat(r.lost()).isZero();
        }
    }

    @Test
    void aMapThatIsNotAPerfEventArrayIsRefused() {
        try (BpfMap m = BpfMap.create(MapSpec.of("jpb_not_perf", MapType.ARRAY, 4, 4, 4))) {
            assertThatThrownBy(() -> PerfBuffer.open(m, PerfBufferOptions.defaults(), (c, b, off, len) -> { })).isInstanceOf(BpfException.class)
                    .hasMessageContaining("jpb_not_perf").hasMessageContaining("BPF_MAP_TYPE_ARRAY");
        }
    }

    @Test
    void aMapTooSmallForTheOnlineCpusIsRefused() {
        int last = PossibleCpus.online()[PossibleCpus.online().length - 1];
        try (BpfMap m = BpfMap.create(MapSpec.of("jpb_small", MapType.PERF_EVENT_ARRAY, 4, 4, last))) {
            assertThatThrownBy(() -> PerfBuffer.open(m, PerfBufferOptions.defaults(), (c, b, off, len) -> { })).isInstanceOf(BpfException.class)
                    .hasMessageContaining("jpb_small").hasMessageContaining("CPU " + last);
        }
    }
}
