package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * How {@link MapBatch#capacityWithin} sizes batch buffers by bytes: what {@code map dump} relies
 * on to read a sparse map of large values in little memory, whatever its max_entries.
 */
class MapBatchSizingTest {
    private static final long MIB = 1 << 20;

    @Test
    void oneMebibyteValuesInALargeMapTakeAFewEntries() {
        // 8192 × (4 + 1 MiB) overflows an int: the budget, not max_entries, decides.
        int n = MapBatch.capacityWithin(4, 1 << 20, 8192, 4 * MIB);
        assertThat(n).isEqualTo(3);
        assertThat((long) n * ((1 << 20) + 4)).isLessThanOrEqualTo(4 * MIB);
    }

    @Test
    void anEntryLargerThanTheBudgetStillGetsRoomForOne() {
        assertThat(MapBatch.capacityWithin(4, 4 << 20, Integer.MAX_VALUE, MIB)).isEqualTo(1);
        assertThat(MapBatch.capacityWithin(4, 8, 100, 0)).as("no budget at all").isEqualTo(1);
    }

    @Test
    void smallEntriesAreCappedByMaxEntries() {
        assertThat(MapBatch.capacityWithin(4, 8, 256, 4 * MIB)).isEqualTo(256);
        assertThat(MapBatch.capacityWithin(4, 8, 1_000_000, 4 * MIB)).isEqualTo((int) (4 * MIB / 12));
        assertThat(MapBatch.capacityWithin(4, 8, 0, 4 * MIB)).as("max_entries 0").isEqualTo(1);
    }

    @Test
    void maxEntriesIsUnsigned() {
        // An LPM trie or NO_PREALLOC hash may say 2^31 or 0xffffffff: that is not "room for one".
        assertThat(MapBatch.capacityWithin(8, 8, Integer.MIN_VALUE, 4 * MIB)).isEqualTo((int) (4 * MIB / 16));
        assertThat(MapBatch.capacityWithin(8, 8, -1, 4 * MIB)).isEqualTo((int) (4 * MIB / 16));
    }

    @Test
    void perCpuValuesCountEveryCpu() {
        // A 32 KiB per-CPU value on 512 possible CPUs is 16 MiB an entry.
        int perCpuBuffer = 32 * 1024 * 512;
        assertThat(MapBatch.capacityWithin(4, perCpuBuffer, 1 << 20, 64 * MIB)).isEqualTo(3);
    }

    @Test
    void noBufferExceedsWhatAnIntAddresses() {
        // A budget above 2 GiB with huge values and keys: each buffer must still fit an int.
        int n = MapBatch.capacityWithin(1 << 20, 1 << 30, Integer.MAX_VALUE, Long.MAX_VALUE);
        assertThat((long) n * (1 << 30)).isLessThanOrEqualTo(Integer.MAX_VALUE);
        assertThat(n).isEqualTo(1);
        int m = MapBatch.capacityWithin(64, 64, Integer.MAX_VALUE, Long.MAX_VALUE);
        assertThat((long) m * 64).isLessThanOrEqualTo(Integer.MAX_VALUE);
    }
}
