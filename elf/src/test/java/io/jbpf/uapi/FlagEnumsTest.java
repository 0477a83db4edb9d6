package io.jbpf.uapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The flag enums carry linux/bpf.h's values, so what jbpf passes the kernel is what the header says. */
class FlagEnumsTest {
    @Test
    void mapFlagsFromLinuxBpfH() {
        assertThat(MapFlag.NO_PREALLOC.value).isEqualTo(1);
        assertThat(MapFlag.NUMA_NODE.value).isEqualTo(4);
        assertThat(MapFlag.RDONLY_PROG.value).isEqualTo(0x80);
        assertThat(MapFlag.MMAPABLE.value).isEqualTo(0x400);
        assertThat(MapFlag.INNER_MAP.value).isEqualTo(0x1000);
        assertThat(MapFlag.LINK.value).isEqualTo(1 << 13);
        assertThat(MapFlag.NO_USER_CONV.value).isEqualTo(1 << 18);
        assertThat(MapFlag.MMAPABLE.kernelName()).isEqualTo("BPF_F_MMAPABLE");
        for (MapFlag f : MapFlag.values()) {
            assertThat(Integer.bitCount(f.value)).as(f.name()).isEqualTo(1);
        }
    }

    @Test
    void mapFlagsToAndFromBits() {
        assertThat(MapFlag.toBits(Set.of())).isZero();
        assertThat(MapFlag.fromBits("m", 0)).isEmpty();
        Set<MapFlag> all = EnumSet.allOf(MapFlag.class);
        assertThat(MapFlag.fromBits("m", MapFlag.toBits(all))).isEqualTo(all);
        assertThat(MapFlag.fromBits("m", 0x481)).containsExactlyInAnyOrder(MapFlag.NO_PREALLOC, MapFlag.RDONLY_PROG,
                MapFlag.MMAPABLE);
        assertThatThrownBy(() -> MapFlag.fromBits("m", 0x481).add(MapFlag.CLONE))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(MapFlag.describe(EnumSet.of(MapFlag.MMAPABLE, MapFlag.NO_PREALLOC)))
                .isEqualTo("BPF_F_NO_PREALLOC | BPF_F_MMAPABLE");
        assertThat(MapFlag.describe(Set.of())).isEqualTo("0");
    }

    @Test
    void anUnknownMapFlagBitIsRefusedNotDropped() {
        // 1 << 14 is BPF_F_PATH_FD, a flag of BPF_OBJ_PIN/GET, never of a map.
        assertThatThrownBy(() -> MapFlag.fromBits("map id 7", 1 << 14 | 1))
                .isInstanceOf(BpfException.class)
                .hasMessageStartingWith("map id 7: map flags 0x4001 include 0x4000, which this jbpf does not know");
    }

    @Test
    void updateFlagsFromLinuxBpfH() {
        assertThat(UpdateFlags.ANY.value).isZero();
        assertThat(UpdateFlags.NOEXIST.value).isEqualTo(1);
        assertThat(UpdateFlags.EXIST.value).isEqualTo(2);
        assertThat(UpdateFlags.LOCK.value).isEqualTo(4);
        assertThat(UpdateFlags.NOEXIST_LOCK.value).isEqualTo(5);
        assertThat(UpdateFlags.EXIST_LOCK.value).isEqualTo(6);
        assertThat(UpdateFlags.EXIST_LOCK.kernelName()).isEqualTo("BPF_EXIST | BPF_F_LOCK");
        assertThat(UpdateFlags.ANY.kernelName()).isEqualTo("BPF_ANY");
        assertThat(EnumSet.allOf(UpdateFlags.class)).filteredOn(UpdateFlags::locked)
                .containsExactly(UpdateFlags.LOCK, UpdateFlags.NOEXIST_LOCK, UpdateFlags.EXIST_LOCK);
        assertThat(LookupFlags.LOCK.value).isEqualTo(4);
        assertThat(LookupFlags.LOCK.kernelName()).isEqualTo("BPF_F_LOCK");
    }

    @Test
    void progFlagsFromLinuxBpfH() {
        assertThat(ProgFlag.STRICT_ALIGNMENT.value).isEqualTo(1);
        assertThat(ProgFlag.SLEEPABLE.value).isEqualTo(1 << 4);
        assertThat(ProgFlag.XDP_HAS_FRAGS.value).isEqualTo(1 << 5);
        assertThat(ProgFlag.toBits(EnumSet.of(ProgFlag.SLEEPABLE, ProgFlag.XDP_HAS_FRAGS))).isEqualTo(0x30);
        assertThat(ProgFlag.toBits(Set.of())).isZero();
        assertThat(ProgFlag.XDP_HAS_FRAGS.kernelName()).isEqualTo("BPF_F_XDP_HAS_FRAGS");
    }

    @Test
    void verifierLogLevelsFromTheKernel() {
        assertThat(VerifierLogLevel.LEVEL1.value).isEqualTo(1);
        assertThat(VerifierLogLevel.LEVEL2.value).isEqualTo(2);
        assertThat(VerifierLogLevel.STATS.value).isEqualTo(4);
        assertThat(VerifierLogLevel.LEVEL2_STATS.value).isEqualTo(6);
        assertThat(VerifierLogLevel.LEVEL1_STATS.kernelName()).isEqualTo("BPF_LOG_LEVEL1 | BPF_LOG_STATS");
    }
}
