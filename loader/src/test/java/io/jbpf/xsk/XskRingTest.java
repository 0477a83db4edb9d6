package io.jbpf.xsk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The rings' index arithmetic over plain direct buffers laid out as the kernel lays out a ring
 * (producer at 0, consumer at 64, flags at 128, entries at 192), the test playing the kernel's side.
 */
class XskRingTest {
    private static final int PROD = 0;
    private static final int CONS = 64;
    private static final int FLAGS = 128;
    private static final int DESC = 192;

    private static ByteBuffer ring(int size, int entrySize, int producer, int consumer) {
        ByteBuffer b = ByteBuffer.allocateDirect(DESC + size * entrySize).order(ByteOrder.nativeOrder());
        b.putInt(PROD, producer);
        b.putInt(CONS, consumer);
        return b;
    }

    @Test
    void fillRingReservesOnlyFreeEntriesAndPublishesOnSubmit() {
        ByteBuffer b = ring(8, 8, 0, 0);
        FillRing fill = new FillRing(b, PROD, CONS, FLAGS, DESC, 8);
        assertThat(fill.free(1)).isEqualTo(8);
        assertThat(fill.reserve(5)).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            fill.address(i, 4096L * i);
        }
        assertThat(b.getInt(PROD)).as("nothing published before submit").isZero();
        fill.submit(5);
        assertThat(b.getInt(PROD)).isEqualTo(5);
        assertThat(b.getLong(DESC + 8 * 4)).isEqualTo(4096L * 4);
        assertThat(fill.reserve(5)).as("only 3 free while the kernel consumed none").isEqualTo(3);
        fill.submit(3);
        assertThat(fill.reserve(1)).as("full").isZero();
        b.putInt(CONS, 2); // the kernel took two
        assertThat(fill.reserve(4)).isEqualTo(2);
        fill.address(0, 111);
        fill.address(1, 222);
        fill.submit(2);
        assertThat(b.getInt(PROD)).isEqualTo(10);
        assertThat(b.getLong(DESC)).as("index 8 wraps to slot 0").isEqualTo(111);
        assertThat(b.getLong(DESC + 8)).isEqualTo(222);
    }

    @Test
    void cancelGivesReservedEntriesBack() {
        ByteBuffer b = ring(4, 16, 0, 0);
        TxRing tx = new TxRing(b, PROD, CONS, FLAGS, DESC, 4);
        assertThat(tx.reserve(3)).isEqualTo(3);
        tx.descriptor(0, 500, 60);
        tx.cancel(2);
        tx.submit(1);
        assertThat(b.getInt(PROD)).isEqualTo(1);
        assertThat(tx.reserve(4)).as("the cancelled entries are free again").isEqualTo(3);
        tx.descriptor(0, 600, 61);
        tx.submit(1);
        assertThat(b.getLong(DESC + 16)).as("the next entry follows the submitted one").isEqualTo(600);
    }

    @Test
    void producerIndexesWrapAt32Bits() {
        int start = -3; // 0xfffffffd: three entries before the u32 wrap
        ByteBuffer b = ring(4, 16, start, start);
        TxRing tx = new TxRing(b, PROD, CONS, FLAGS, DESC, 4);
        assertThat(tx.reserve(4)).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            tx.descriptor(i, 1000 + i, 60 + i);
        }
        tx.submit(4);
        assertThat(b.getInt(PROD)).isEqualTo(1);
        // index 0xfffffffd is slot 1; 0xffffffff slot 3; 0 slot 0
        assertThat(b.getLong(DESC + 16)).isEqualTo(1000);
        assertThat(b.getInt(DESC + 16 + 8)).isEqualTo(60);
        assertThat(b.getLong(DESC + 3 * 16)).isEqualTo(1002);
        assertThat(b.getLong(DESC)).isEqualTo(1003);
        assertThat(tx.reserve(1)).isZero();
        b.putInt(CONS, 1);
        assertThat(tx.free(4)).isEqualTo(4);
    }

    @Test
    void rxRingPeeksWhatTheKernelProducedAndReleasesOnRelease() {
        ByteBuffer b = ring(4, 16, 0, 0);
        RxRing rx = new RxRing(b, PROD, CONS, FLAGS, DESC, 4);
        assertThat(rx.peek(16)).isZero();
        for (int i = 0; i < 3; i++) {
            b.putLong(DESC + 16 * i, 2048L * i + 256);
            b.putInt(DESC + 16 * i + 8, 42 + i);
        }
        b.putInt(PROD, 3);
        assertThat(rx.peek(2)).isEqualTo(2);
        assertThat(rx.address(1)).isEqualTo(2048 + 256);
        assertThat(rx.length(1)).isEqualTo(43);
        assertThat(rx.peek(16)).as("the third, from the cached producer index").isEqualTo(1);
        assertThat(rx.address(0)).isEqualTo(4096 + 256);
        assertThat(b.getInt(CONS)).as("nothing released yet").isZero();
        rx.release(3);
        assertThat(b.getInt(CONS)).isEqualTo(3);
        b.putLong(DESC + 16 * 3, 77);
        b.putLong(DESC, 88); // index 4 wraps to slot 0
        b.putInt(PROD, 5);
        assertThat(rx.peek(16)).isEqualTo(2);
        assertThat(rx.address(0)).isEqualTo(77);
        assertThat(rx.address(1)).isEqualTo(88);
        rx.release(2);
        assertThat(b.getInt(CONS)).isEqualTo(5);
    }

    @Test
    void completionRingAcrossTheWrap() {
        ByteBuffer b = ring(2, 8, -1, -1);
        CompletionRing cr = new CompletionRing(b, PROD, CONS, FLAGS, DESC, 2);
        b.putLong(DESC + 8, 5); // index 0xffffffff: slot 1
        b.putLong(DESC, 6); // index 0: slot 0
        b.putInt(PROD, 1);
        assertThat(cr.available(8)).isEqualTo(2);
        assertThat(cr.peek(8)).isEqualTo(2);
        assertThat(cr.address(0)).isEqualTo(5);
        assertThat(cr.address(1)).isEqualTo(6);
        cr.release(2);
        assertThat(b.getInt(CONS)).isEqualTo(1);
    }

    @Test
    void needWakeupFollowsTheFlagsWord() {
        ByteBuffer b = ring(2, 8, 0, 0);
        FillRing fill = new FillRing(b, PROD, CONS, FLAGS, DESC, 2);
        assertThat(fill.needsWakeup()).isFalse();
        b.putInt(FLAGS, 1);
        assertThat(fill.needsWakeup()).isTrue();
    }

    @Test
    void closedRingRefusesBatchesAndSizesMustBePowersOfTwo() {
        ByteBuffer b = ring(4, 8, 0, 0);
        FillRing fill = new FillRing(b, PROD, CONS, FLAGS, DESC, 4);
        fill.markClosed();
        assertThatThrownBy(() -> fill.reserve(1)).hasMessageContaining("closed AF_XDP socket");
        assertThatThrownBy(() -> new FillRing(ring(3, 8, 0, 0), PROD, CONS, FLAGS, DESC, 3))
                .hasMessageContaining("not a power of two");
    }

    @Test
    void umemHandsOutEveryFrameOnceAndTakesThemBack() {
        try (Umem umem = Umem.allocate(4, FrameSize.SIZE_2048, 0)) {
            assertThat(umem.address() % 4096).as("page-aligned").isZero();
            long[] got = new long[4];
            for (int i = 0; i < 4; i++) {
                got[i] = umem.allocateFrame();
            }
            assertThat(got).containsExactlyInAnyOrder(0L, 2048L, 4096L, 6144L);
            assertThat(umem.allocateFrame()).isEqualTo(-1);
            umem.freeFrame(4096 + 256 + 10); // an RX address inside the frame
            assertThat(umem.allocateFrame()).isEqualTo(4096);
            for (long g : got) {
                umem.freeFrame(g);
            }
            assertThat(umem.freeFrames()).isEqualTo(4);
            assertThatThrownBy(() -> umem.freeFrame(0)).hasMessageContaining("freed twice");
            assertThatThrownBy(() -> umem.freeFrame(8192)).hasMessageContaining("outside");
            umem.buffer().putLong(6144 + 2040, -1L);
            assertThat(umem.buffer().getLong(6144 + 2040)).isEqualTo(-1L);
        }
    }
}
