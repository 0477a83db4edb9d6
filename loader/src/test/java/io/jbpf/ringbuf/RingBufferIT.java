package io.jbpf.ringbuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.BpfMap;
import io.jbpf.BpfObject;
import io.jbpf.BpfProgram;
import io.jbpf.LoadOptions;
import io.jbpf.common.BpfException;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The ring buffer reader against records a program writes (bpf-src/hooks/jrb_ringbuf.c, run
 * with BPF_PROG_TEST_RUN: each run emits the next sequence number, 12 to 60 bytes with a known
 * payload): exactly once, in order, payload intact; overfull, discarded and busy-free rings; two
 * rings on one reader; closing while records arrive; no allocation per record.
 */
@Tag("vm")
class RingBufferIT {
    private static final byte[] PACKET = new byte[64];
    private static final int XDP_PASS = 2;
    private BpfObject obj;
    private BpfProgram emit;

    @BeforeEach
    void load() {
        Kernel.require();
        obj = BpfObject.load(BpfObjectSpec.read(Objects.path("hooks/jrb_ringbuf.o")), LoadOptions.defaults());
        emit = obj.program("jrb_emit");
    }

    @AfterEach
    void close() {
        if (obj != null) {
            obj.close();
        }
    }

    /** Runs the program {@code n} times into ring {@code target} (0 jrb_events, 1 jrb_small, 2 jrb_other). */
    private void emit(int target, int n) {
        obj.variable("target").set(intBytes(target));
        assertThat(emit.testRun(PACKET, null, n).retval()).isEqualTo(XDP_PASS);
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    /** The size the program gives record {@code seq}. */
    private static int size(long seq) {
        return 12 + (int) (seq % 13) * 4;
    }

    /** Checks a record's length and payload and returns its sequence number. */
    private static long check(ByteBuffer data, int offset, int length) {
        long seq = data.getLong(offset);
        if (length != size(seq)) {
            throw new AssertionError("record " + seq + " is " + length + " bytes, expected " + size(seq));
        }
        for (int i = 8; i < length; i++) {
            if (data.get(offset + i) != (byte) (seq + i)) {
                throw new AssertionError("record " + seq + " byte " + i + " is " + data.get(offset + i));
            }
        }
        return seq;
    }

    /** Collects the sequence numbers of the records it is handed, checking each. */
    private static final class Seqs implements RecordHandler {
        final List<Long> seen = new ArrayList<>();

        @Override
        public void onRecord(ByteBuffer data, int offset, int length) {
            seen.add(check(data, offset, length));
        }
    }

    private static List<Long> range(long from, long to) {
        List<Long> l = new ArrayList<>();
        for (long i = from; i < to; i++) {
            l.add(i);
        }
        return l;
    }

    @Test
    void recordsArriveExactlyOnceInOrderWithTheirPayloads() {
        Seqs seqs = new Seqs();
        try (RingBufferReader reader = RingBufferReader.open(obj.map("jrb_events"), seqs)) {
            assertThat(reader.consume(Integer.MAX_VALUE)).isZero();
            emit(0, 500);
            assertThat(reader.consume(100)).as("limited read").isEqualTo(100);
            assertThat(seqs.seen).isEqualTo(range(0, 100));
            assertThat(reader.poll(1000, Integer.MAX_VALUE)).isEqualTo(400);
            assertThat(reader.consume(Integer.MAX_VALUE)).isZero();
            assertThat(reader.poll(0, 10)).as("nothing left: poll does not wait").isZero();
            emit(0, 3);
            assertThat(reader.poll(1000, Integer.MAX_VALUE)).isEqualTo(3);
            assertThat(seqs.seen).isEqualTo(range(0, 503));
        }
        assertThat(obj.variable("failed").getLong()).isZero();
    }

    @Test
    void manyTimesTheRingStreamedWhileTheProgramRuns() throws Exception {
        // 20,000 records of 24 to 72 bytes through a 64 KiB ring: about 15 times round it.
        Seqs seqs = new Seqs();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (RingBufferReader reader = RingBufferReader.open(obj.map("jrb_events"), seqs)) {
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        emit.testRun(PACKET, null, 100);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            writer.start();
            while (writer.isAlive()) {
                reader.poll(10, Integer.MAX_VALUE);
            }
            writer.join();
            reader.consume(Integer.MAX_VALUE);
        }
        assertThat(failure.get()).isNull();
        long failed = obj.variable("failed").getLong();
        assertThat(seqs.seen).hasSize(20_000 - (int) failed);
        for (int i = 1; i < seqs.seen.size(); i++) {
            assertThat(seqs.seen.get(i)).as("record %d after %d", i, seqs.seen.get(i - 1)).isGreaterThan(seqs.seen.get(i - 1));
        }
        if (failed == 0) {
            assertThat(seqs.seen).isEqualTo(range(0, 20_000));
        }
    }

    @Test
    void anOverfullRingKeepsExactlyTheRecordsThatFit() {
        Seqs seqs = new Seqs();
        try (RingBufferReader reader = RingBufferReader.open(obj.map("jrb_small"), seqs)) {
            emit(1, 200); // 200 records of 24 to 72 bytes into 4096 bytes
            long failed = obj.variable("failed").getLong();
            assertThat(failed).as("reservations that failed").isPositive().isLessThan(200);
            assertThat(reader.consume(Integer.MAX_VALUE)).isEqualTo(200 - (int) failed);
            // Exactly the records that fit when the program tried them: a record is dropped when
            // the ones kept before it plus itself would pass the 4096 bytes (a later, smaller one
            // may fit again).
            long used = 0;
            List<Long> kept = new ArrayList<>();
            for (long seq = 0; seq < 200; seq++) {
                long span = RingLayout.span(size(seq));
                if (used + span <= 4096) {
                    used += span;
                    kept.add(seq);
                }
            }
            assertThat(seqs.seen).isEqualTo(kept);
            // Consumed, the space is free again.
            emit(1, 5);
            assertThat(obj.variable("failed").getLong()).isEqualTo(failed);
            assertThat(reader.consume(Integer.MAX_VALUE)).isEqualTo(5);
            assertThat(seqs.seen.subList(seqs.seen.size() - 5, seqs.seen.size())).isEqualTo(range(200, 205));
        }
    }

    @Test
    void aHandlerThatThrowsStopsTheCallAndItsRecordCountsAsRead() {
        // 500 records of 12-60 bytes span several of the reader's release chunks: the throw comes
        // from the middle of one, after records of earlier chunks were released.
        List<Long> seen = new ArrayList<>();
        RecordHandler failingAt300 = (data, offset, length) -> {
            long seq = check(data, offset, length);
            seen.add(seq);
            if (seq == 300) {
                throw new IllegalStateException("handler failed on 300");
            }
        };
        try (RingBufferReader reader = RingBufferReader.open(obj.map("jrb_events"), failingAt300)) {
            emit(0, 500);
            assertThatThrownBy(() -> reader.consume(Integer.MAX_VALUE)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("handler failed on 300");
            assertThat(seen).isEqualTo(range(0, 301));
            assertThat(reader.consume(Integer.MAX_VALUE)).as("the call after resumes past the failed record").isEqualTo(199);
            assertThat(seen).isEqualTo(range(0, 500));
        }
    }

    @Test
    void discardedRecordsAreSkipped() {
        Seqs seqs = new Seqs();
        obj.variable("discard_every").set(intBytes(3));
        try (RingBufferReader reader = RingBufferReader.open(obj.map("jrb_events"), seqs)) {
            emit(0, 300);
            assertThat(obj.variable("discarded").getLong()).isEqualTo(100);
            assertThat(reader.consume(Integer.MAX_VALUE)).isEqualTo(200);
            assertThat(seqs.seen).isEqualTo(range(0, 300).stream().filter(s -> s % 3 != 0).toList());
        }
    }

    @Test
    void twoRingsOnOneReader() {
        Seqs events = new Seqs();
        Seqs other = new Seqs();
        try (RingBufferReader reader = RingBufferReader.open(obj.map("jrb_events"), events)
                .add(obj.map("jrb_other"), other)) {
            assertThat(reader.rings()).isEqualTo(2);
            emit(2, 50);
            assertThat(reader.poll(1000, Integer.MAX_VALUE)).isEqualTo(50);
            emit(0, 70);
            emit(2, 30);
            assertThat(reader.poll(1000, Integer.MAX_VALUE)).isEqualTo(100);
        }
        assertThat(other.seen).isEqualTo(concat(range(0, 50), range(120, 150)));
        assertThat(events.seen).isEqualTo(range(50, 120));
    }

    private static List<Long> concat(List<Long> a, List<Long> b) {
        List<Long> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    @Test
    void onlyRingBuffersAreRead() {
        try (BpfObject other = BpfObject.load(BpfObjectSpec.read(Objects.path("hooks/jrb_user_ringbuf.o")),
                LoadOptions.defaults())) {
            BpfMap user = other.map("jrb_user");
            assertThatThrownBy(() -> RingBufferReader.open(user, (d, o, l) -> { }))
                    .isInstanceOf(BpfException.class).hasMessageContaining("BPF_MAP_TYPE_USER_RINGBUF")
                    .hasMessageContaining("jrb_user");
        } catch (BpfException e) {
            // 5.8 to 6.0 have no user ring buffers; the type check is the same for any other map.
            assertThat(e.getMessage()).doesNotContain("ring buffer reader");
        }
    }

    /** Mappings of this process whose path names a BPF map (ring buffer mmaps show as anon_inode:bpf-ringbuf or bpf-map). */
    private static long bpfMappings() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("anon_inode:bpf")).count();
    }

    @Test
    void closingWhileRecordsArriveFreesEveryMappingAndFd() throws Exception {
        int fds = Fds.count();
        long maps = bpfMappings();
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            while (!stop.get()) {
                emit.testRun(PACKET, null, 50);
            }
        });
        long[] count = new long[1];
        RingBufferReader reader = RingBufferReader.open(obj.map("jrb_events"), (d, o, l) -> count[0]++)
                .add(obj.map("jrb_other"), (d, o, l) -> count[0]++);
        assertThat(bpfMappings()).as("two mappings per ring").isEqualTo(maps + 4);
        writer.start();
        try {
            while (count[0] < 1000) {
                reader.poll(100, Integer.MAX_VALUE);
            }
            // A poll waiting on a ring nobody writes; close from another thread wakes it.
            RingBufferReader quiet = RingBufferReader.open(obj.map("jrb_small"), (d, o, l) -> { });
            Thread closer = new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                quiet.close();
            });
            long start = System.nanoTime();
            closer.start();
            assertThat(quiet.poll(30_000, 10)).isZero();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("woken by close").isLessThan(10_000);
            closer.join();
            assertThatThrownBy(() -> quiet.poll(0, 1)).isInstanceOf(BpfException.class).hasMessageContaining("closed");
            reader.close(); // records still arriving
            reader.close();
            assertThat(count[0]).isGreaterThanOrEqualTo(1000);
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(bpfMappings()).isEqualTo(maps);
        assertThat(Fds.count()).isEqualTo(fds);
    }

    @Test
    void consumingAllocatesNothingPerRecord() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] sum = new long[2]; // sequence numbers' sum, records
        try (RingBufferReader reader = RingBufferReader.open(obj.map("jrb_events"), (data, offset, length) -> {
            sum[0] += data.getLong(offset) + data.get(offset + length - 1);
            sum[1]++;
        })) {
            long tid = Thread.currentThread().getId();
            long bytes = -1;
            long records = 0;
            for (int round = 0; round < 20 && bytes != 0; round++) {
                bytes = 0;
                records = 0;
                for (int i = 0; i < 200; i++) {
                    emit.testRun(PACKET, null, 100); // allocates (not measured)
                    long before = threads.getThreadAllocatedBytes(tid);
                    int n = reader.consume(Integer.MAX_VALUE);
                    bytes += threads.getThreadAllocatedBytes(tid) - before;
                    records += n;
                }
            }
            assertThat(records).isEqualTo(20_000);
            assertThat(bytes).as("bytes allocated consuming %d records", records).isZero();
        }
        assertThat(obj.variable("failed").getLong()).isZero();
    }
}
