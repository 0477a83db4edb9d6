package io.jbpf.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.testing.BpfObjects;
import io.jbpf.testing.ElfPatch;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.MapType;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Map types and flags are enums from the moment an object is read; what jbpf cannot name is refused there. */
class TypedMapSpecTest {
    /** File offset of legacy map {@code map}'s {@code struct bpf_map_def} in xdp_legacy_maps.o. */
    private static int legacyDef(ElfPatch p, String map) {
        return (int) (p.section("maps").offset() + p.symbol(map).value());
    }

    @Test
    void anUnknownMapTypeIsRefusedWhenTheObjectIsReadNamingObjectAndMap() {
        ElfPatch p = ElfPatch.of("xdp_legacy_maps.o");
        p.putInt(legacyDef(p, "legacy_ifindex_hash"), 99); // type is the definition's first field
        assertThatThrownBy(() -> BpfObjectSpec.parse("patched.o", p.bytes()))
                .isInstanceOf(BpfException.class)
                .hasMessageStartingWith("patched.o: legacy map 'legacy_ifindex_hash': map type 99 is not one this jbpf knows")
                .hasMessageContaining("BPF_MAP_TYPE_ARENA = 33");
    }

    @Test
    void anUnknownMapFlagIsRefusedWhenTheObjectIsRead() {
        ElfPatch p = ElfPatch.of("xdp_legacy_maps.o");
        p.putInt(legacyDef(p, "legacy_counter") + 16, 1 << 30 | 1); // map_flags
        assertThatThrownBy(() -> BpfObjectSpec.parse("patched.o", p.bytes()))
                .isInstanceOf(BpfException.class)
                .hasMessageStartingWith("patched.o: legacy map 'legacy_counter': map flags 0x40000001 include 0x40000000,"
                        + " which this jbpf does not know");
    }

    @Test
    void knownMapFlagsReadAsASet() {
        ElfPatch p = ElfPatch.of("xdp_legacy_maps.o");
        p.putInt(legacyDef(p, "legacy_ifindex_hash") + 16, 1 | 1 << 6); // BPF_F_NO_PREALLOC | BPF_F_ZERO_SEED
        MapSpec m = BpfObjectSpec.parse("patched.o", p.bytes()).map("legacy_ifindex_hash").orElseThrow();
        assertThat(m.type()).isEqualTo(MapType.HASH);
        assertThat(m.flags()).containsExactlyInAnyOrder(MapFlag.NO_PREALLOC, MapFlag.ZERO_SEED);
        assertThat(MapFlag.toBits(m.flags())).isEqualTo(0x41);
    }

    @Test
    void globalDataMapsAreMmapableAndRodataIsReadOnlyForPrograms() {
        BpfObjectSpec spec = BpfObjectSpec.read(BpfObjects.path("corpus/globals_data.o"));
        MapSpec rodata = spec.maps().values().stream().filter(m -> m.section().equals(".rodata")).findFirst().orElseThrow();
        MapSpec data = spec.maps().values().stream().filter(m -> m.section().equals(".data")).findFirst().orElseThrow();
        assertThat(rodata.type()).isEqualTo(MapType.ARRAY);
        assertThat(rodata.flags()).isEqualTo(EnumSet.of(MapFlag.RDONLY_PROG, MapFlag.MMAPABLE));
        assertThat(data.flags()).isEqualTo(EnumSet.of(MapFlag.MMAPABLE));
    }

    @Test
    void aHandMadeSpec() {
        MapSpec m = MapSpec.of("counters", MapType.ARRAY, 4, 8, 256, MapFlag.MMAPABLE, MapFlag.RDONLY_PROG);
        assertThat(m.name()).isEqualTo("counters");
        assertThat(m.type()).isEqualTo(MapType.ARRAY);
        assertThat(m.keySize()).isEqualTo(4);
        assertThat(m.valueSize()).isEqualTo(8);
        assertThat(m.maxEntries()).isEqualTo(256);
        assertThat(m.flags()).containsExactlyInAnyOrder(MapFlag.MMAPABLE, MapFlag.RDONLY_PROG);
        assertThat(m.pinning()).isEqualTo(MapSpec.Pinning.NONE);
        assertThat(m.btfKeyTypeId()).isZero();
        assertThat(m.btfValueTypeId()).isZero();
        assertThat(m.inner()).isNull();
        assertThat(m.legacy()).isFalse();
        assertThat(m.internal()).isFalse();
        assertThat(MapSpec.of("h", MapType.HASH, 4, 4, 1).flags()).isEmpty();
        assertThatThrownBy(() -> m.flags().add(MapFlag.NO_PREALLOC)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theFlagsOfASpecAreACopy() {
        Set<MapFlag> mine = EnumSet.of(MapFlag.NO_PREALLOC);
        MapSpec m = new MapSpec("h", "", 0, MapType.HASH, 4, 4, 1, mine, 0, 0, null, 0, 0);
        mine.add(MapFlag.ZERO_SEED);
        assertThat(m.flags()).containsExactly(MapFlag.NO_PREALLOC);
    }
}
