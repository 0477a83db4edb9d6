package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.MapSpec;
import io.jbpf.testing.BpfFs;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.ProgType;
import io.jbpf.uapi.UpdateFlags;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Maps made from a MapSpec, and the kernel's types and flags read back as enums, as bpftool sees them. */
class TypedApiIT {
    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    /** bpftool's {@code map show --json} for map {@code id}, spaces removed. */
    private static String bpftoolMap(int id) {
        Sh.Result r = Sh.run("bpftool", "map", "show", "id", Integer.toString(id), "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        return r.out().replace(" ", "");
    }

    @Test
    void aHandMadeMapHasTheShapeAndFlagsOfItsSpec() {
        int fds = Fds.count();
        MapSpec spec = MapSpec.of("typed_hash", MapType.LRU_HASH, 4, 16, 64, MapFlag.NO_COMMON_LRU);
        try (BpfMap m = BpfMap.create(spec)) {
            assertThat(m.type()).isEqualTo(MapType.LRU_HASH);
            assertThat(m.flags()).containsExactly(MapFlag.NO_COMMON_LRU);
            assertThat(m.info().flags()).isEqualTo(m.flags());
            assertThat(m.toString()).contains("BPF_MAP_TYPE_LRU_HASH");
            assertThat(bpftoolMap(m.id())).contains("\"type\":\"lru_hash\"", "\"name\":\"typed_hash\"", "\"flags\":2",
                    "\"bytes_key\":4", "\"bytes_value\":16", "\"max_entries\":64");
        }
        try (BpfMap m = BpfMap.create(MapSpec.of("typed_mmap", MapType.ARRAY, 4, 8, 8, MapFlag.MMAPABLE));
             MmapArray rw = m.mmap(MmapAccess.READ_WRITE);
             MmapArray ro = m.mmap(MmapAccess.READ_ONLY)) {
            assertThat(bpftoolMap(m.id())).contains("\"flags\":1024");
            rw.putLong(3, 0, 33);
            assertThat(ro.getLong(3, 0)).isEqualTo(33);
            assertThatThrownBy(() -> ro.putLong(3, 0, 1)).isInstanceOf(java.nio.ReadOnlyBufferException.class);
        }
        assertThat(Fds.count()).isEqualTo(fds);
    }

    @Test
    void theKernelsRefusalNamesTheMapAndItsShape() {
        // BPF_F_MMAPABLE is for arrays only: the kernel refuses it on a hash.
        assertThatThrownBy(() -> BpfMap.create(MapSpec.of("typed_bad", MapType.HASH, 4, 8, 4, MapFlag.MMAPABLE)))
                .isInstanceOf(BpfException.class)
                .hasMessageStartingWith("create map 'typed_bad' (BPF_MAP_TYPE_HASH, key 4 B, value 8 B, 4 entries, "
                        + "flags BPF_F_MMAPABLE)")
                .hasMessageContaining("EINVAL");
    }

    @Test
    void theKconfigMapIsRefusedOnItsOwn() {
        BpfObjectSpec spec = BpfObjectSpec.read(Objects.path("corpus/externs_ksym_kconfig.o"));
        MapSpec kconfig = spec.maps().values().stream().filter(m -> m.section().equals(".kconfig")).findFirst()
                .orElseThrow();
        int fds = Fds.count();
        assertThatThrownBy(() -> BpfMap.create(kconfig)).isInstanceOf(BpfException.class)
                .hasMessageContaining("map '" + kconfig.name() + "' holds the object's __kconfig values")
                .hasMessageContaining("load the whole object (BpfObject.load)");
        assertThat(Fds.count()).isEqualTo(fds);
    }

    /** Every map and program of a corpus object reads back with the type bpftool names. */
    @Test
    void typesReadBackAsBpftoolNamesThem() {
        try (BpfObject o = BpfObject.load(BpfObjectSpec.read(Objects.path("corpus/multi_prog.o")), LoadOptions.defaults())) {
            for (BpfProgram p : o.programs().values()) {
                Sh.Result r = Sh.run("bpftool", "prog", "show", "id", Integer.toString(p.id()), "--json");
                assertThat(r.out().replace(" ", "")).as(p.name())
                        .contains("\"type\":\"" + p.type().name().toLowerCase(Locale.ROOT) + "\"");
            }
            assertThat(o.program("tc_third").type()).isEqualTo(ProgType.SCHED_CLS);
            BpfMap runs = o.map("runs");
            assertThat(bpftoolMap(runs.id())).contains("\"type\":\"" + runs.type().name().toLowerCase(Locale.ROOT) + "\"");
            try (BpfProgram byId = BpfProgram.fromId(o.program("socket_fourth").id());
                 BpfMap mapById = BpfMap.fromId(runs.id())) {
                assertThat(byId.type()).isEqualTo(ProgType.SOCKET_FILTER);
                assertThat(mapById.type()).isEqualTo(MapType.ARRAY);
                assertThat(mapById.flags()).isEmpty();
            }
        }
    }

    @Test
    void pinsArePaths() {
        int fds = Fds.count();
        try (BpfFs fs = new BpfFs();
             BpfMap m = BpfMap.create(MapSpec.of("typed_pin", MapType.ARRAY, 4, 8, 2))) {
            Path pin = fs.dir.resolve("typed_pin");
            m.pin(pin);
            m.update(new byte[4], new byte[] {5, 0, 0, 0, 0, 0, 0, 0}, UpdateFlags.EXIST);
            try (BpfMap again = BpfMap.fromPin(pin)) {
                assertThat(again.id()).isEqualTo(m.id());
                assertThat(again.lookup(new byte[4])[0]).isEqualTo((byte) 5);
            }
            assertThatThrownBy(() -> BpfProgram.fromPin(pin)).isInstanceOf(BpfException.class)
                    .hasMessageContaining("pinned program " + pin);
        }
        assertThat(Fds.count()).isEqualTo(fds);
    }
}
