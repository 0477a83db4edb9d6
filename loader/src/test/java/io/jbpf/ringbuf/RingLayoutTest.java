package io.jbpf.ringbuf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The ring buffer's header bits and position arithmetic, as kernel/bpf/ringbuf.c lays them out. */
class RingLayoutTest {
    @Test
    void headerBitsAndLength() {
        int busy = 0x8000_0000 | 20;
        int discarded = 0x4000_0000 | 12;
        assertThat(RingLayout.busy(busy)).isTrue();
        assertThat(RingLayout.discarded(busy)).isFalse();
        assertThat(RingLayout.length(busy)).isEqualTo(20);
        assertThat(RingLayout.busy(discarded)).isFalse();
        assertThat(RingLayout.discarded(discarded)).isTrue();
        assertThat(RingLayout.length(discarded)).isEqualTo(12);
        assertThat(RingLayout.length(0xC000_0000 | 0x3fff_ffff)).isEqualTo(0x3fff_ffff);
        assertThat(RingLayout.busy(7) || RingLayout.discarded(7)).isFalse();
    }

    @Test
    void recordsTakeHeaderPlusLengthRoundedTo8() {
        assertThat(RingLayout.span(0)).isEqualTo(8);
        assertThat(RingLayout.span(1)).isEqualTo(16);
        assertThat(RingLayout.span(8)).isEqualTo(16);
        assertThat(RingLayout.span(12)).isEqualTo(24);
        assertThat(RingLayout.span(60)).isEqualTo(72);
        assertThat(RingLayout.span(0x3fff_ffff)).isEqualTo(0x4000_0008L);
    }

    @Test
    void spanFromTheHeaderMatchesTheSpanOfItsLengthWithOrWithoutTheDiscardBit() {
        int[] lengths = {0, 1, 7, 8, 9, 15, 16, 17, 100, 4095, 4096, (1 << 29) - 9, (int) RingLayout.MAX_SIZE - 8};
        for (int length : lengths) {
            assertThat((long) RingLayout.spanOf(length)).as("length %d", length).isEqualTo(RingLayout.span(length));
            assertThat((long) RingLayout.spanOf(RingLayout.DISCARD_BIT | length)).as("discarded, length %d", length)
                    .isEqualTo(RingLayout.span(length));
        }
        for (int length = 0; length < 200; length++) {
            assertThat((long) RingLayout.spanOf(RingLayout.DISCARD_BIT | length)).isEqualTo(RingLayout.span(length));
        }
    }

    @Test
    void positionsWrapByTheMaskAndGrowForever() {
        long size = 4096;
        assertThat(RingLayout.offset(0, size)).isZero();
        assertThat(RingLayout.offset(4096 + 24, size)).isEqualTo(24);
        assertThat(RingLayout.offset(3 * 4096L * 1_000_000 + 4088, size)).isEqualTo(4088);
        // A record at 4088 with 60 bytes runs to 4088 + 72: past the end, inside the second mapping.
        assertThat(RingLayout.offset(4088, size) + RingLayout.span(60)).isLessThanOrEqualTo(2 * size);
        assertThat(RingLayout.pending(4096, 4096 + 72)).isEqualTo(72);
        assertThat(RingLayout.pending(5000, 5000)).isZero();
        assertThat(RingLayout.producerMappingLength(65536, 4096)).isEqualTo(4096 + 131072);
    }

    @Test
    void onlyPowerOfTwoPageMultiplesMap() {
        assertThat(RingLayout.unmappable(4096, 4096)).isNull();
        assertThat(RingLayout.unmappable(1 << 20, 4096)).isNull();
        assertThat(RingLayout.unmappable(3 * 4096, 4096)).contains("power of two");
        assertThat(RingLayout.unmappable(2048, 4096)).contains("page size 4096");
        assertThat(RingLayout.unmappable(0, 4096)).isNotNull();
        assertThat(RingLayout.unmappable(1L << 30, 4096)).contains("more than jbpf maps");
    }
}
