package io.jbpf.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Record parsing of one perf ring on synthetic buffers laid out as the kernel writes them. */
class PerfRingTest {
    private static final int CAPACITY = 256;
    private final ByteBuffer meta = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer data = ByteBuffer.allocateDirect(CAPACITY).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(CAPACITY).order(ByteOrder.LITTLE_ENDIAN);
    private final PerfRing ring = new PerfRing(3, meta, data, scratch);
    /** The kernel's data_head: where the next record goes. */
    private long head;

    private void put(long pos, int b) {
        data.put((int) (pos & (CAPACITY - 1)), (byte) b);
    }

    private void putInt(long pos, int v) {
        for (int i = 0; i < 4; i++) {
            put(pos + i, v >>> (8 * i));
        }
    }

    private void putLong(long pos, long v) {
        putInt(pos, (int) v);
        putInt(pos + 4, (int) (v >>> 32));
    }

    private void header(int type, int size) {
        putInt(head, type);
        put(head + 4, 0);
        put(head + 5, 0);
        put(head + 6, size);
        put(head + 7, size >>> 8);
    }

    /** A PERF_RECORD_SAMPLE of {@code raw} bytes b[j] = tag + j, padded as the kernel pads it. */
    private void sample(int tag, int raw) {
        int size = (8 + 4 + raw + 7) & ~7;
        header(PerfRecordLayout.PERF_RECORD_SAMPLE, size);
        putInt(head + 8, size - 12);
        for (int j = 0; j < size - 12; j++) {
            put(head + 12 + j, j < raw ? tag + j : 0);
        }
        publish(size);
    }

    private void lostRecord(long lost) {
        header(PerfRecordLayout.PERF_RECORD_LOST, 24);
        putLong(head + 8, 77);
        putLong(head + 16, lost);
        publish(24);
    }

    private void publish(int size) {
        head += size;
        meta.putLong(PerfEventMmapPage.DATA_HEAD, head);
    }

    private long tail() {
        return meta.getLong(PerfEventMmapPage.DATA_TAIL);
    }

    /** What a handler saw: "cpu:first-byte:length" per sample, "lost:n" per loss report. */
    private final List<String> seen = new ArrayList<>();
    private final PerfEventHandler recorder = new PerfEventHandler() {
        @Override
        public void onSample(int cpu, ByteBuffer buffer, int offset, int length) {
            for (int j = 1; j < length && j < 20; j++) {
                int expected = j < 20 ? (buffer.get(offset) + j) & 0xff : 0;
                if ((buffer.get(offset + j) & 0xff) != expected && buffer.get(offset + j) != 0) {
                    throw new AssertionError("byte " + j + " of sample " + buffer.get(offset));
                }
            }
            seen.add(cpu + ":" + buffer.get(offset) + ":" + length);
            assertThat(buffer.isReadOnly()).isTrue();
        }

        @Override
        public void onLost(int cpu, long lost) {
            seen.add("lost:" + lost);
        }
    };

    @Test
    void samplesInOrderAndTheTailFollows() {
        sample(10, 4);  // 8 + 4 + 4 = 16
        sample(20, 5);  // 8 + 4 + 5 -> 24, raw 12
        assertThat(ring.hasData()).isTrue();
        assertThat(ring.read(recorder, 100)).isEqualTo(2);
        assertThat(seen).containsExactly("3:10:4", "3:20:12");
        assertThat(tail()).isEqualTo(head).isEqualTo(40);
        assertThat(ring.hasData()).isFalse();
        assertThat(ring.read(recorder, 100)).isZero();
    }

    @Test
    void aLimitStopsAndTheRestComesNextTime() {
        for (int i = 0; i < 5; i++) {
            sample(i * 10, 4);
        }
        assertThat(ring.read(recorder, 2)).isEqualTo(2);
        assertThat(tail()).isEqualTo(32);
        assertThat(ring.read(recorder, 10)).isEqualTo(3);
        assertThat(seen).containsExactly("3:0:4", "3:10:4", "3:20:4", "3:30:4", "3:40:4");
    }

    @Test
    void aRecordThatWrapsIsCopiedWhole() {
        // 224 bytes of records, then one of 64 bytes: 32 before the end, 32 after.
        for (int i = 0; i < 7; i++) {
            sample(i, 20); // 8 + 4 + 20 = 32
        }
        assertThat(ring.read(recorder, 100)).isEqualTo(7);
        sample(100, 52); // 8 + 4 + 52 = 64, from 224 to 288
        sample(50, 4);   // after the wrap, at 288 & 255 = 32
        seen.clear();
        assertThat(ring.read(recorder, 100)).isEqualTo(2);
        assertThat(seen).containsExactly("3:100:52", "3:50:4");
        assertThat(ring.wrapped()).isEqualTo(1);
        assertThat(tail()).isEqualTo(304);
    }

    @Test
    void aRecordWhoseBodyWrapsAfterTheHeader() {
        for (int i = 0; i < 31; i++) {
            sample(i, 4); // 16 each: 248
        }
        ring.read(recorder, 100);
        // Header at 248..255, size field and the raw bytes after the wrap.
        sample(7, 36);
        seen.clear();
        assertThat(ring.read(recorder, 100)).isEqualTo(1);
        assertThat(seen).containsExactly("3:7:36");
        assertThat(ring.wrapped()).isEqualTo(1);
    }

    @Test
    void lostRecordsAreReportedAndCountedNotCountedAsSamples() {
        sample(1, 4);
        lostRecord(5);
        sample(2, 4);
        lostRecord(2);
        assertThat(ring.read(recorder, 100)).isEqualTo(2);
        assertThat(seen).containsExactly("3:1:4", "lost:5", "3:2:4", "lost:2");
        assertThat(ring.lost()).isEqualTo(7);
    }

    @Test
    void aHandlerThatThrowsConsumesItsRecord() {
        sample(1, 4);
        sample(2, 4);
        assertThatThrownBy(() -> ring.read((cpu, b, off, len) -> {
            throw new IllegalStateException("boom");
        }, 10)).hasMessage("boom");
        assertThat(tail()).isEqualTo(16);
        assertThat(ring.read(recorder, 10)).isEqualTo(1);
        assertThat(seen).containsExactly("3:2:4");
    }

    @Test
    void unknownRecordTypesAreSkipped() {
        header(14 /* PERF_RECORD_ITRACE_START */, 16);
        publish(16);
        sample(9, 4);
        assertThat(ring.read(recorder, 10)).isEqualTo(1);
        assertThat(seen).containsExactly("3:9:4");
    }

    @Test
    void aCorruptSizeIsAnErrorNotALoop() {
        header(PerfRecordLayout.PERF_RECORD_SAMPLE, 0);
        publish(16);
        assertThatThrownBy(() -> ring.read(recorder, 10)).isInstanceOf(BpfException.class)
                .hasMessageContaining("CPU 3").hasMessageContaining("bad record size 0");
    }

    @Test
    void aDataAreaThatIsNotAPowerOfTwoIsRefused() {
        assertThatThrownBy(() -> new PerfRing(0, meta, ByteBuffer.allocateDirect(96), scratch))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
