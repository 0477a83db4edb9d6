package io.jbpf;

import io.jbpf.common.BpfException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.elf.ElfFile;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.BpfFs;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Objects jbpf must refuse, each with a message naming object, section and symbol or map. */
class CorpusErrorsIT {
    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static Path corpus(String name) {
        return Objects.path("corpus/" + name);
    }

    @Test
    void pinnedMapsAreSharedAndAnIncompatiblePinIsRefused() {
        try (BpfFs fs = new BpfFs()) {
            LoadOptions opts = LoadOptions.defaults().withPinRoot(fs.dir);
            try (BpfObject a = BpfObject.load(BpfObjectSpec.read(corpus("pin_shared_a.o")), opts);
                 BpfObject b = BpfObject.load(BpfObjectSpec.read(corpus("pin_shared_b.o")), opts)) {
                assertThat(Files.exists(fs.dir.resolve("jbpf_corpus_pin"))).isTrue();
                assertThat(b.map("jbpf_corpus_pin").id()).as("b reuses a's pinned map").isEqualTo(a.map("jbpf_corpus_pin").id());

                int before = Fds.count();
                assertThatThrownBy(() -> BpfObject.load(BpfObjectSpec.read(corpus("pin_incompat.o")), opts))
                        .isInstanceOf(BpfException.class)
                        .hasMessageContaining("pin_incompat.o")
                        .hasMessageContaining("map 'jbpf_corpus_pin'")
                        .hasMessageContaining("cannot reuse the map pinned at " + fs.dir.resolve("jbpf_corpus_pin"))
                        .hasMessageContaining("value 8 B")
                        .hasMessageContaining("value 4 B");
                assertThat(Fds.count()).as("the failed load closed its fds").isEqualTo(before);
            }
            assertThat(Files.exists(fs.dir.resolve("jbpf_corpus_pin"))).as("the pin outlives the objects").isTrue();
        }
    }

    @Test
    void aFailedLoadRemovesThePinsItMade() throws IOException {
        // pin_shared_a pins its map, then its program fails to load: the pin must go again.
        byte[] bytes = Files.readAllBytes(corpus("pin_shared_a.o"));
        ElfFile elf = ElfFile.parse("x", bytes);
        long xdp = elf.section("xdp").orElseThrow().offset();
        bytes[(int) xdp] = (byte) 0xff; // first instruction: an opcode the verifier does not know
        BpfObjectSpec broken = BpfObjectSpec.parse("pin_broken.o", bytes);
        try (BpfFs fs = new BpfFs()) {
            assertThatThrownBy(() -> BpfObject.load(broken, LoadOptions.defaults().withPinRoot(fs.dir)))
                    .isInstanceOf(BpfException.class).hasMessageContaining("pin_broken.o");
            assertThat(Files.exists(fs.dir.resolve("jbpf_corpus_pin"))).isFalse();
        }
    }

    @Test
    void unsupportedMapType() throws IOException {
        byte[] bytes = Files.readAllBytes(Objects.path("xdp_legacy_maps.o"));
        long maps = ElfFile.parse("x", bytes).section("maps").orElseThrow().offset();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt((int) maps, 99);
        int before = Fds.count();
        // A type this jbpf has no constant for is refused when the object is read, before any load.
        assertThatThrownBy(() -> BpfObjectSpec.parse("odd_type.o", bytes))
                .isInstanceOf(BpfException.class)
                .hasMessageStartingWith("odd_type.o: legacy map 'legacy_counter': map type 99 is not one this jbpf knows");
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void callToAFunctionTheObjectDoesNotDefine() {
        assertThatThrownBy(() -> BpfObjectSpec.read(corpus("err_undef_func.o")))
                .isInstanceOf(BpfException.class)
                .hasMessageContaining("err_undef_func.o")
                .hasMessageContaining("section xdp")
                .hasMessageContaining("'jbpf_undefined_function'")
                .hasMessageContaining("does not define");
    }

    @Test
    void kfuncTheKernelLacks() {
        BpfObjectSpec spec = BpfObjectSpec.read(corpus("err_missing_ksym.o"));
        int before = Fds.count();
        assertThatThrownBy(() -> BpfObject.load(spec, LoadOptions.defaults()))
                .isInstanceOf(BpfException.class)
                .hasMessageContaining("err_missing_ksym.o")
                .hasMessageContaining("section xdp")
                .hasMessageContaining("kfunc 'bpf_jbpf_no_such_kfunc' is not in this kernel's BTF");
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void relocationAgainstASectionWithNoMapsOrData() {
        assertThatThrownBy(() -> BpfObjectSpec.read(corpus("err_nonmap_reloc.o")))
                .isInstanceOf(BpfException.class)
                .hasMessageContaining("err_nonmap_reloc.o")
                .hasMessageContaining("section xdp")
                .hasMessageContaining("symbol 'odd_var'")
                .hasMessageContaining("relocation against section 'jbpf_odd'");
    }

    @Test
    void coreRelocationsAreRefusedNotIgnored() {
        BpfObjectSpec spec = BpfObjectSpec.read(corpus("err_core_relo.o"));
        assertThat(spec.program("core_read_pid").coreRelocations()).isEqualTo(1);
        int before = Fds.count();
        assertThatThrownBy(() -> BpfObject.load(spec, LoadOptions.defaults()))
                .isInstanceOf(BpfException.class)
                .hasMessageContaining("err_core_relo.o: section raw_tp/sys_enter, program core_read_pid")
                .hasMessageContaining("1 CO-RE relocations");
        assertThat(Fds.count()).isEqualTo(before);
    }
}
