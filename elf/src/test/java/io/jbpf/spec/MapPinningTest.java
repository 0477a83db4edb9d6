package io.jbpf.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.elf.ElfFile;
import io.jbpf.testing.BpfObjects;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The pinning field means what the map's format says: libbpf's LIBBPF_PIN_BY_NAME for BTF maps,
 * iproute2's PIN_OBJECT_NS / PIN_GLOBAL_NS for struct bpf_elf_map; the spec decides, and says where.
 */
class MapPinningTest {
    private static final Path ROOT = Path.of("/sys/fs/bpf/somewhere");

    private static BpfObjectSpec corpus(String name) {
        return BpfObjectSpec.read(BpfObjects.path("corpus/" + name));
    }

    @Test
    void iproute2PinningIsObjectOrGlobalNamespace() {
        BpfObjectSpec a = corpus("legacy_pin_a.o");
        assertThat(a.maps().get("cnt").pinning()).isEqualTo(MapSpec.Pinning.OBJECT_NS);
        assertThat(a.maps().get("jbpf_lp_glob").pinning()).isEqualTo(MapSpec.Pinning.GLOBAL_NS);
        assertThat(corpus("legacy_elf_map.o").maps().get("elf_counters").pinning()).isEqualTo(MapSpec.Pinning.NONE);
    }

    /** The xdp-tutorial's basic04: every map pinned by name, global data left alone. */
    @Test
    void everyMapPinnedByNameExceptGlobalData() {
        BpfObjectSpec s = corpus("globals_data.o").withMapsPinnedByName();
        assertThat(s.maps().values()).isNotEmpty().allSatisfy(m -> assertThat(m.pinning())
                .isEqualTo(m.internal() ? MapSpec.Pinning.NONE : MapSpec.Pinning.BY_NAME));
        assertThat(s.maps().values()).anyMatch(MapSpec::internal).anyMatch(m -> !m.internal());
        MapSpec legacy = corpus("legacy_pin_a.o").withMapsPinnedByName().maps().get("cnt");
        assertThat(legacy.pinning()).isEqualTo(MapSpec.Pinning.BY_NAME);
        assertThat(corpus("legacy_pin_a.o").withMapsPinnedByName().pinPath(legacy, ROOT)).contains(ROOT.resolve("cnt"));
    }

    @Test
    void libbpfPinningOneIsByName() {
        BpfObjectSpec s = corpus("pin_shared_a.o");
        MapSpec m = s.maps().get("jbpf_corpus_pin");
        assertThat(m.pinning()).isEqualTo(MapSpec.Pinning.BY_NAME);
        assertThat(s.pinPath(m, ROOT)).contains(ROOT.resolve("jbpf_corpus_pin"));
        assertThat(s.maps().values().stream().filter(x -> x != m).map(x -> s.pinPath(x, ROOT)))
                .allMatch(java.util.Optional::isEmpty);
    }

    @Test
    void objectNamespaceIsTheFilesSha1AndGlobalsAreShared() throws Exception {
        BpfObjectSpec a = corpus("legacy_pin_a.o");
        BpfObjectSpec b = corpus("legacy_pin_b.o");
        String shaA = sha1sum(BpfObjects.path("corpus/legacy_pin_a.o"));
        String shaB = sha1sum(BpfObjects.path("corpus/legacy_pin_b.o"));
        assertThat(shaA).isNotEqualTo(shaB);
        assertThat(a.fileHash()).isEqualTo(shaA);
        assertThat(a.pinPath(a.maps().get("cnt"), ROOT)).contains(ROOT.resolve("tc/" + shaA + "/cnt"));
        assertThat(b.pinPath(b.maps().get("cnt"), ROOT)).contains(ROOT.resolve("tc/" + shaB + "/cnt"));
        assertThat(a.pinPath(a.maps().get("jbpf_lp_glob"), ROOT)).contains(ROOT.resolve("tc/globals/jbpf_lp_glob"))
                .isEqualTo(b.pinPath(b.maps().get("jbpf_lp_glob"), ROOT));
        // The same bytes are the same object, wherever they come from; setting a variable does not move pins.
        BpfObjectSpec parsed = BpfObjectSpec.parse("copy.o", BpfObjects.bytes("corpus/legacy_pin_a.o"));
        assertThat(parsed.fileHash()).isEqualTo(shaA);
        BpfObjectSpec tail = corpus("tailcall_static.o");
        assertThat(tail.withVariable("tail_index", new byte[4]).fileHash()).isEqualTo(tail.fileHash()).hasSize(40);
    }

    @Test
    void customIproute2PinningIsRefusedWhenRead() {
        byte[] bytes = BpfObjects.bytes("corpus/legacy_pin_a.o");
        ElfFile elf = ElfFile.parse("x", bytes);
        long maps = elf.section("maps").orElseThrow().offset();
        long cnt = elf.symbols().stream().filter(s -> s.name().equals("cnt")).findFirst().orElseThrow().value();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt((int) (maps + cnt + 24), 7);
        assertThatThrownBy(() -> BpfObjectSpec.parse("custom_pin.o", bytes)).isInstanceOf(BpfException.class)
                .hasMessageContaining("custom_pin.o").hasMessageContaining("'cnt'")
                .hasMessageContaining("pinning 7").hasMessageContaining("custom pinning");
    }

    @Test
    void pinningValuesByFormat() {
        assertThat(MapSpec.Pinning.ofLibbpf("m", 1)).isEqualTo(MapSpec.Pinning.BY_NAME);
        assertThat(MapSpec.Pinning.ofIproute2("m", 1)).isEqualTo(MapSpec.Pinning.OBJECT_NS);
        assertThat(MapSpec.Pinning.ofIproute2("m", 2)).isEqualTo(MapSpec.Pinning.GLOBAL_NS);
        assertThatThrownBy(() -> MapSpec.Pinning.ofLibbpf("obj.o: map 'm'", 2)).isInstanceOf(BpfException.class)
                .hasMessageContaining("obj.o: map 'm'").hasMessageContaining("LIBBPF_PIN_BY_NAME");
    }

    @Test
    void tailCallTargetsAreTheProgArraysValues() {
        assertThat(corpus("tailcall_static.o").tailCallTargets()).containsExactly("tail_zero", "tail_two");
        assertThat(corpus("tailcall_dynamic.o").tailCallTargets()).isEmpty();
    }

    private static String sha1sum(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sha1sum", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out.split("\\s+")[0];
    }
}
