package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.MapSpec;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.ProgType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential oracle: every object libbpf loads (through {@code bpftool prog loadall}, a
 * test-only cross-check) must give the same kernel programs when jbpf loads it — same tag (a
 * hash of the instructions with map references zeroed, so it proves relocation and subprogram
 * linking match), same type — and the same maps (type, key size, value size, max entries, flags).
 */
class DifferentialIT {
    /** Objects libbpf 1.x refuses on purpose: legacy SEC("maps") definitions and error cases. */
    private static final Set<String> NOT_FOR_LIBBPF = Set.of("xdp_legacy_maps.o", "xdp_verifier_reject.o");

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    static Stream<String> objects() throws IOException {
        List<String> out = new ArrayList<>();
        Path build = Objects.path("");
        try (Stream<Path> files = Files.walk(build)) {
            // build/hooks/ holds each attach hook's test programs (bpf-src/hooks/MANIFEST.md), in sections
            // libbpf 1.1 may not know (tcx/ingress): they are not part of the corpus compared here.
            files.filter(p -> p.toString().endsWith(".o") && !build.relativize(p).startsWith("hooks")).sorted()
                    .forEach(p -> out.add(build.relativize(p).toString()));
        }
        Path manifest = Kernel.root().resolve("bpf-src/corpus/MANIFEST.md");
        Set<String> refused = Files.exists(manifest) ? refusedByLibbpf(Files.readAllLines(manifest)) : Set.of();
        // bpf-src/hooks' programs are not part of the loadall corpus: some need what only their
        // test gives at load (a freplace target) or a kernel that allows them (trampolines).
        // bpf-src/dump's (jbpf dump's own programs) likewise: jdu_trace's fentry/fexit need the XDP program they trace.
        // bpf-src/xsk's AF_XDP redirect program is io.jbpf.xsk's own, tested by XskSocketIT.
        // bpf-src/multi's component programs are freplace programs loaded into a dispatcher's slots, and
        // bpf-src/tutorial's are the xdp-tutorial lessons, each tested by walking its lesson.
        return out.stream().filter(o -> !o.startsWith("hooks/") && !o.startsWith("dump/") && !o.startsWith("xsk/")
                && !o.startsWith("multi/")
                && !o.startsWith("tutorial/"))
                .filter(o -> !NOT_FOR_LIBBPF.contains(Path.of(o).getFileName().toString())
                && !refused.contains(Path.of(o).getFileName().toString()));
    }

    /**
     * Objects of the corpus manifest whose "libbpf" column is not "yes": libbpf 1.1 refuses them
     * (legacy maps, custom .bss sections) or they are error cases; each row says why.
     */
    private static Set<String> refusedByLibbpf(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("| `") && l.split("\\|").length > 5)
                .filter(l -> !l.split("\\|")[5].trim().startsWith("yes"))
                .map(l -> l.split("\\|")[1].trim().replace("`", "")).collect(Collectors.toSet());
    }

    record ProgKey(String name, ProgType type, String tag) {
    }

    record MapKey(MapType type, int keySize, int valueSize, int maxEntries, Set<MapFlag> flags) {
    }

    @ParameterizedTest
    @MethodSource("objects")
    void jbpfLoadsWhatLibbpfLoads(String object) throws IOException {
        Path obj = Objects.path(object);
        BpfObjectSpec spec = BpfObjectSpec.read(obj);
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 24));
        Path progDir = Path.of("/sys/fs/bpf/jbpf_diff_" + tag);
        Path mapDir = Path.of("/sys/fs/bpf/jbpf_diffm_" + tag);
        Map<String, ProgKey> libbpfProgs = new TreeMap<>();
        List<MapKey> libbpfMaps = new ArrayList<>();
        try {
            List<String> cmd = new ArrayList<>(List.of("bpftool", "prog", "loadall", obj.toString(), progDir.toString()));
            if (spec.programs().stream().anyMatch(p -> p.type() == null || p.sectionDef().legacy())) {
                cmd.addAll(List.of("type", "xdp")); // old-style section names: libbpf needs the type spelled out
            }
            // libbpf refuses pinmaps for objects that pin maps by name; their maps are found through the programs.
            boolean pinsByName = spec.maps().values().stream().anyMatch(m -> m.pinning() != MapSpec.Pinning.NONE);
            if (!pinsByName) {
                cmd.addAll(List.of("pinmaps", mapDir.toString()));
            }
            Sh.Result r = Sh.run(cmd);
            assertThat(r.exit()).as("bpftool loadall %s: %s", object, r.all()).isZero();
            Set<Integer> mapIds = new java.util.TreeSet<>();
            for (Path pin : list(progDir)) {
                try (BpfProgram p = BpfProgram.fromPin(pin)) {
                    libbpfProgs.put(p.info().name(), new ProgKey(p.info().name(), p.type(), p.tag()));
                    for (int id : p.info().mapIds()) {
                        mapIds.add(id);
                    }
                }
            }
            if (pinsByName) {
                for (int id : mapIds) {
                    try (BpfMap m = BpfMap.fromId(id)) {
                        libbpfMaps.add(key(m));
                    }
                }
            }
            for (Path pin : list(mapDir)) {
                try (BpfMap m = BpfMap.fromPin(pin)) {
                    libbpfMaps.add(key(m));
                }
            }
        } finally {
            Sh.run("rm", "-rf", progDir.toString(), mapDir.toString());
            spec.maps().values().stream().filter(m -> m.pinning() != MapSpec.Pinning.NONE)
                    .forEach(m -> Sh.run("rm", "-f", "/sys/fs/bpf/" + m.name()));
        }

        Map<String, ProgKey> jbpfProgs = new TreeMap<>();
        List<MapKey> jbpfMaps = new ArrayList<>();
        try (BpfObject loaded = BpfObject.load(spec, LoadOptions.defaults()
                .withDefaultType(io.jbpf.uapi.ProgType.XDP).withPinRoot(pinRootFor(tag)))) {
            for (BpfProgram p : loaded.programs().values()) {
                jbpfProgs.put(p.info().name(), new ProgKey(p.info().name(), p.type(), p.tag()));
            }
            boolean pinsByName = spec.maps().values().stream().anyMatch(m -> m.pinning() != MapSpec.Pinning.NONE);
            Set<Integer> used = new java.util.TreeSet<>();
            loaded.programs().values().forEach(p -> java.util.Arrays.stream(p.info().mapIds()).forEach(used::add));
            for (BpfMap m : loaded.maps().values()) {
                if (!pinsByName || used.contains(m.id())) {
                    jbpfMaps.add(key(m));
                }
            }
        } finally {
            Sh.run("rm", "-rf", pinRootFor(tag).toString());
        }
        assertThat(jbpfProgs).as("programs (name, type, tag) of %s", object).isEqualTo(libbpfProgs);
        assertThat(jbpfMaps).as("maps of %s", object).containsExactlyInAnyOrderElementsOf(libbpfMaps);
    }

    /** jbpf pins maps marked LIBBPF_PIN_BY_NAME in a directory of its own, so the two loads do not share them. */
    private static Path pinRootFor(String tag) {
        Path dir = Path.of("/sys/fs/bpf/jbpf_diffp_" + tag);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return dir;
    }

    private static MapKey key(BpfMap m) {
        KernelInfo.Map i = m.info();
        return new MapKey(i.type(), i.keySize(), i.valueSize(), i.maxEntries(), i.flags());
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
