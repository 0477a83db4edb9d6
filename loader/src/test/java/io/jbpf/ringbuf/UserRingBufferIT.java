package io.jbpf.ringbuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Records written from Java into a BPF_MAP_TYPE_USER_RINGBUF (Linux 6.1+) and drained by a
 * program (bpf-src/hooks/jrb_user_ringbuf.c, run with BPF_PROG_TEST_RUN), which keeps what it saw:
 * how many records, the sum of their values, whether their sequence numbers came without a gap.
 */
@Tag("vm")
class UserRingBufferIT {
    private static final byte[] PACKET = new byte[64];
    /** 4096 bytes of ring / 24 bytes per 16-byte record. */
    private static final int FIT = 170;
    private BpfObject obj;
    private BpfProgram drain;
    private long nextSeq;

    @BeforeEach
    void load() {
        Kernel.require();
        obj = BpfObject.load(BpfObjectSpec.read(Objects.path("hooks/jrb_user_ringbuf.o")), LoadOptions.defaults());
        drain = obj.program("jrb_drain");
    }

    @AfterEach
    void close() {
        if (obj != null) {
            obj.close();
        }
    }

    /** Runs the program once; returns what bpf_user_ringbuf_drain returned (records drained). */
    private long drain() {
        assertThat(drain.testRun(PACKET, null, 1).retval()).isEqualTo(2);
        return obj.variable("drained").getLong();
    }

    private long seen() {
        return obj.variable("seen").getLong();
    }

    /** Reserves and submits a record {nextSeq, value}; false when the ring is full. */
    private boolean send(UserRingBuffer out, long value) {
        int at = out.reserve(16);
        if (at < 0) {
            return false;
        }
        out.buffer().putLong(at, nextSeq++).putLong(at + 8, value);
        out.submit(at);
        return true;
    }

    @Test
    void theProgramDrainsWhatJavaSubmitted() {
        try (UserRingBuffer out = UserRingBuffer.open(obj.map("jrb_user"))) {
            assertThat(out.free()).isEqualTo(4096);
            long sum = 0;
            for (int i = 0; i < 100; i++) {
                assertThat(send(out, i * 3L)).isTrue();
                sum += i * 3L;
            }
            assertThat(out.free()).isEqualTo(4096 - 100 * 24);
            assertThat(drain()).isEqualTo(100);
            assertThat(seen()).isEqualTo(100);
            assertThat(obj.variable("sum").getLong()).isEqualTo(sum);
            assertThat(obj.variable("out_of_order").getLong()).isZero();
            assertThat(out.free()).as("drained, the space is free").isEqualTo(4096);
            assertThat(drain()).isZero();
        }
    }

    @Test
    void aFullRingRefusesUntilDrainedAndRecordsCrossTheEnd() {
        try (UserRingBuffer out = UserRingBuffer.open(obj.map("jrb_user"))) {
            // Three fills: 24-byte records do not divide 4096, so later rounds cross the end.
            for (int round = 1; round <= 3; round++) {
                int n = 0;
                while (send(out, 1)) {
                    n++;
                }
                assertThat(n).as("records that fit in round %d", round).isEqualTo(FIT);
                assertThat(drain()).isEqualTo(n);
            }
            assertThat(seen()).isEqualTo(nextSeq);
            assertThat(obj.variable("sum").getLong()).isEqualTo(nextSeq);
            assertThat(obj.variable("out_of_order").getLong()).isZero();
            // Bigger records too: 40 bytes (48 with the header) of which the program reads 16.
            int at = out.reserve(40);
            out.buffer().putLong(at, nextSeq++).putLong(at + 8, 1000);
            out.submit(at);
            assertThat(drain()).isEqualTo(1);
            assertThat(obj.variable("sum").getLong()).isEqualTo(nextSeq - 1 + 1000);
        }
    }

    @Test
    void discardedRecordsAreSkippedAndABusyOneStopsTheDrain() {
        try (UserRingBuffer out = UserRingBuffer.open(obj.map("jrb_user"))) {
            for (int i = 0; i < 10; i++) {
                int at = out.reserve(16);
                if (i % 2 == 0) {
                    out.buffer().putLong(at, 999).putLong(at + 8, 1_000_000);
                    out.discard(at);
                } else {
                    out.buffer().putLong(at, nextSeq++).putLong(at + 8, 5);
                    out.submit(at);
                }
            }
            assertThat(drain()).isEqualTo(5);
            assertThat(obj.variable("sum").getLong()).isEqualTo(25);
            assertThat(obj.variable("out_of_order").getLong()).isZero();

            int first = out.reserve(16);
            int second = out.reserve(16);
            out.buffer().putLong(second, nextSeq + 1).putLong(second + 8, 7);
            out.submit(second);
            assertThat(drain()).as("the first record is still reserved").isZero();
            out.buffer().putLong(first, nextSeq).putLong(first + 8, 6);
            out.submit(first);
            nextSeq += 2;
            assertThat(drain()).isEqualTo(2);
            assertThat(seen()).isEqualTo(7);
            assertThat(obj.variable("sum").getLong()).isEqualTo(25 + 13);
            assertThat(obj.variable("out_of_order").getLong()).isZero();

            assertThatThrownBy(() -> out.submit(first)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a record reserved");
            assertThatThrownBy(() -> out.submit(3)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> out.reserve(4096)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("jrb_user");
        }
    }

    private static long bpfMappings() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("anon_inode:bpf")).count();
    }

    @Test
    void closingUnmapsAndOnlyUserRingBuffersOpen() throws IOException {
        int fds = Fds.count();
        long maps = bpfMappings();
        UserRingBuffer out = UserRingBuffer.open(obj.map("jrb_user"));
        assertThat(bpfMappings()).isEqualTo(maps + 2);
        assertThat(send(out, 4)).isTrue();
        out.close();
        out.close();
        assertThat(bpfMappings()).isEqualTo(maps);
        assertThat(Fds.count()).isEqualTo(fds);
        assertThatThrownBy(() -> out.reserve(16)).isInstanceOf(BpfException.class).hasMessageContaining("closed");
        assertThat(drain()).as("a record submitted before close stays for the program").isEqualTo(1);
        // Mapped again, the ring goes on from the kernel's positions.
        try (UserRingBuffer again = UserRingBuffer.open(obj.map("jrb_user"))) {
            assertThat(again.free()).isEqualTo(4096);
            assertThat(send(again, 5)).isTrue();
            assertThat(drain()).isEqualTo(1);
            assertThat(obj.variable("sum").getLong()).isEqualTo(9);
            assertThat(obj.variable("out_of_order").getLong()).isZero();
        }
        try (BpfObject rb = BpfObject.load(BpfObjectSpec.read(Objects.path("hooks/jrb_ringbuf.o")), LoadOptions.defaults())) {
            assertThatThrownBy(() -> UserRingBuffer.open(rb.map("jrb_small"))).isInstanceOf(BpfException.class)
                    .hasMessageContaining("BPF_MAP_TYPE_RINGBUF").hasMessageContaining("jrb_small");
        }
    }

    @Test
    void producingAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (UserRingBuffer out = UserRingBuffer.open(obj.map("jrb_user"))) {
            ByteBuffer b = out.buffer();
            long tid = Thread.currentThread().getId();
            long bytes = -1;
            long sent = 0;
            for (int round = 0; round < 20 && bytes != 0; round++) {
                bytes = 0;
                for (int i = 0; i < 200; i++) {
                    long before = threads.getThreadAllocatedBytes(tid);
                    for (int k = 0; k < 100; k++) {
                        int at = out.reserve(16);
                        b.putLong(at, nextSeq++).putLong(at + 8, 1);
                        out.submit(at);
                    }
                    bytes += threads.getThreadAllocatedBytes(tid) - before;
                    sent += 100;
                    drain(); // allocates (not measured)
                }
            }
            assertThat(bytes).as("bytes allocated producing 20,000 records").isZero();
            assertThat(seen()).isEqualTo(sent);
            assertThat(obj.variable("out_of_order").getLong()).isZero();
        }
    }
}
