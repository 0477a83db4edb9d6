package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.ProgramSpec;
import io.jbpf.spec.Relocation;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Packets;
import io.jbpf.testing.Sh;
import io.jbpf.uapi.ProgType;
import io.jbpf.uapi.VerifierLogLevel;
import io.jbpf.uapi.XdpAction;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BpfProgram#load}: one program of an object loaded on its own, through the object loader's
 * own path, so the kernel computes the same tag as for the whole object; the maps it refers to
 * come from the caller, made from the object's map specs ({@link BpfMap#create}).
 */
class SingleProgramLoadIT {
    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static BpfObjectSpec corpus(String name) {
        return BpfObjectSpec.read(Objects.path("corpus/" + name));
    }

    private static String wholeObjectTag(BpfObjectSpec spec, String program) {
        try (BpfObject o = BpfObject.load(spec, LoadOptions.defaults())) {
            return o.program(program).tag();
        }
    }

    /** What bpftool says about program {@code id}: its tag and map ids, from {@code prog show --json}. */
    private static String bpftoolShow(int id) {
        Sh.Result r = Sh.run("bpftool", "prog", "show", "id", Integer.toString(id), "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        return r.out().replace(" ", "");
    }

    private static long u64(byte[] b, int off) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(off);
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    @Test
    void aProgramThatUsesNoMapLoadsFromItsSpecAloneWithTheWholeObjectsTag() {
        int fds = Fds.count();
        BpfObjectSpec spec = corpus("prog_no_maps.o");
        ProgramSpec p = spec.program("xdp_no_maps");
        assertThat(p.relocations()).as("no map, no global data").isEmpty();
        String tag = wholeObjectTag(spec, "xdp_no_maps");
        try (BpfProgram alone = BpfProgram.load(p, Map.of())) {
            assertThat(alone.tag()).isEqualTo(tag);
            assertThat(alone.type()).isEqualTo(ProgType.XDP);
            assertThat(alone.name()).isEqualTo("xdp_no_maps");
            assertThat(alone.section()).isEqualTo("xdp");
            assertThat(bpftoolShow(alone.id())).contains("\"tag\":\"" + tag + "\"", "\"type\":\"xdp\"")
                    .doesNotContain("map_ids");
            assertThat(alone.testRun(Packets.any64(), null, 1).retval()).isEqualTo(XdpAction.PASS.value);
            byte[] ipv6 = Packets.any64();
            ipv6[12] = (byte) 0x86;
            ipv6[13] = (byte) 0xdd;
            assertThat(alone.testRun(ipv6, null, 1).retval()).isEqualTo(XdpAction.DROP.value);
        }
        assertThat(Fds.count()).as("the object's BTF fd is closed after the load").isEqualTo(fds);
    }

    /**
     * globals_data's program uses a plain array and the object's .rodata, .data and .bss: made from
     * their specs, global data filled in and .rodata frozen, the program alone behaves as in the
     * whole object (corpus MANIFEST: ANY64 → XDP_PASS, out = {21, 70, 1, 0xabcd}, result 42).
     */
    @Test
    void aProgramTakesTheMapsItRefersToByTheirNamesInTheObject() {
        int fds = Fds.count();
        BpfObjectSpec spec = corpus("globals_data.o");
        ProgramSpec p = spec.program("xdp_globals_main");
        Set<String> used = new LinkedHashSet<>();
        for (Relocation r : p.relocations()) {
            if (r.kind() == Relocation.Kind.MAP || r.kind() == Relocation.Kind.DATA) {
                used.add(r.target());
            }
        }
        assertThat(used).containsExactlyInAnyOrder("out", "globals_.rodata", "globals_.data", "globals_.bss");
        String tag = wholeObjectTag(spec, "xdp_globals_main");
        Map<String, BpfMap> maps = new LinkedHashMap<>();
        try {
            for (String name : used) {
                maps.put(name, BpfMap.create(spec.maps().get(name)));
            }
            try (BpfProgram alone = BpfProgram.load(p, maps)) {
                assertThat(alone.tag()).isEqualTo(tag);
                String shown = bpftoolShow(alone.id());
                assertThat(shown).contains("\"tag\":\"" + tag + "\"");
                for (BpfMap m : maps.values()) {
                    assertThat(alone.info().mapIds()).as("map ids of the program").contains(m.id());
                }
                assertThat(alone.testRun(Packets.any64(), null, 1).retval()).isEqualTo(XdpAction.PASS.value);
                BpfMap out = maps.get("out");
                assertThat(new long[] {u64(out.lookup(le32(0)), 0), u64(out.lookup(le32(1)), 0),
                        u64(out.lookup(le32(2)), 0), u64(out.lookup(le32(3)), 0)}).containsExactly(21, 70, 1, 0xabcd);
                assertThat(u64(maps.get("globals_.bss").lookup(le32(0)), 8)).as(".bss result").isEqualTo(42);
                assertThatThrownBy(() -> maps.get("globals_.rodata").update(le32(0), new byte[8],
                        io.jbpf.uapi.UpdateFlags.ANY)).as(".rodata made from its spec is frozen")
                        .isInstanceOf(BpfException.class);
            }
        } finally {
            maps.values().forEach(BpfMap::close);
        }
        assertThat(Fds.count()).isEqualTo(fds);
    }

    @Test
    void aMapNotGivenIsNamedBeforeAnythingIsLoaded() {
        int fds = Fds.count();
        ProgramSpec p = corpus("globals_data.o").program("xdp_globals_main");
        try (BpfMap out = BpfMap.create(corpus("globals_data.o").maps().get("out"))) {
            assertThatThrownBy(() -> BpfProgram.load(p, Map.of("out", out))).isInstanceOf(BpfException.class)
                    .hasMessageStartingWith(Objects.str("corpus/globals_data.o")
                            + ": section xdp, program xdp_globals_main: refers to maps '")
                    .hasMessageContaining("globals_.rodata").hasMessageContaining("globals_.data")
                    .hasMessageContaining("globals_.bss")
                    .hasMessageContaining("which are not among the maps given (out)");
        }
        assertThatThrownBy(() -> BpfProgram.load(p, Map.of())).isInstanceOf(BpfException.class)
                .hasMessageContaining("'out'").hasMessageContaining("not among the maps given (none); create them")
                .hasMessageContaining("BpfMap.create(objectSpec.maps().get(\"globals_.rodata\"))");
        try (BpfMap data = BpfMap.create(corpus("globals_data.o").maps().get("globals_.data"))) {
            Map<String, BpfMap> allButOne = new LinkedHashMap<>();
            for (String name : java.util.List.of("out", "globals_.rodata", "globals_.data")) {
                allButOne.put(name, data); // any map: the check is by name, before any fd is used
            }
            assertThatThrownBy(() -> BpfProgram.load(p, allButOne)).isInstanceOf(BpfException.class)
                    .hasMessageEndingWith(": section xdp, program xdp_globals_main: refers to map 'globals_.bss', which is"
                            + " not among the maps given (out, globals_.rodata, globals_.data); create it from the"
                            + " object's map specs, e.g. BpfMap.create(objectSpec.maps().get(\"globals_.bss\")), or load"
                            + " the whole object (BpfObject.load)");
        }
        assertThat(Fds.count()).as("nothing was loaded").isEqualTo(fds);
    }

    /** The log level chosen in LoadOptions is what the kernel gets: BPF_LOG_STATS adds the verifier's statistics. */
    @Test
    void theVerifierLogLevelReachesTheKernel() {
        int fds = Fds.count();
        ProgramSpec p = BpfObjectSpec.read(Objects.path("xdp_verifier_reject.o")).program("xdp_verifier_reject_func");
        Map<VerifierLogLevel, String> logs = new LinkedHashMap<>();
        for (VerifierLogLevel level : VerifierLogLevel.values()) {
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                    () -> BpfProgram.load(p, Map.of(), LoadOptions.defaults().withLogLevel(level)));
            assertThat(t).as(level.kernelName()).isInstanceOf(VerifierException.class)
                    .hasMessageContaining("xdp_verifier_reject_func: the verifier rejected the program");
            logs.put(level, ((VerifierException) t).log());
        }
        for (VerifierLogLevel level : VerifierLogLevel.values()) {
            assertThat(logs.get(level)).as(level.kernelName()).contains("invalid access to packet");
            boolean stats = level == VerifierLogLevel.STATS || level == VerifierLogLevel.LEVEL1_STATS
                    || level == VerifierLogLevel.LEVEL2_STATS;
            assertThat(logs.get(level).contains("verification time")).as(level.kernelName() + " has statistics")
                    .isEqualTo(stats);
        }
        assertThat(logs.get(VerifierLogLevel.LEVEL2).length()).as("LEVEL2 adds the state at every instruction")
                .isGreaterThan(logs.get(VerifierLogLevel.LEVEL1).length());
        assertThat(Fds.count()).isEqualTo(fds);
    }
}
