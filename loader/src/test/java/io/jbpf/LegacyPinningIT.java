package io.jbpf;

import io.jbpf.common.BpfException;
import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.BpfFs;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Packets;
import io.jbpf.testing.Sh;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * iproute2's pinning in legacy {@code struct bpf_elf_map} maps: PIN_OBJECT_NS maps are shared by
 * loads of one object file only, PIN_GLOBAL_NS maps by name under tc/globals; checked on the
 * kernel's map ids and with bpftool on the pins, under a test pin root.
 */
class LegacyPinningIT {
    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static BpfObjectSpec corpus(String name) {
        return BpfObjectSpec.read(Objects.path("corpus/" + name));
    }

    @Test
    void objectNamespaceMapsStayApartAndGlobalsAreShared() {
        BpfObjectSpec a = corpus("legacy_pin_a.o");
        BpfObjectSpec b = corpus("legacy_pin_b.o");
        try (BpfFs fs = new BpfFs()) {
            LoadOptions opts = LoadOptions.defaults().withPinRoot(fs.dir);
            Path cntA = fs.dir.resolve("tc/" + a.fileHash() + "/cnt");
            Path cntB = fs.dir.resolve("tc/" + b.fileHash() + "/cnt");
            Path glob = fs.dir.resolve("tc/globals/jbpf_lp_glob");
            int idA;
            int idGlob;
            try (BpfObject objA = BpfObject.load(a, opts);
                 BpfObject objB = BpfObject.load(b, opts);
                 BpfObject againA = BpfObject.load(a, opts)) {
                idA = objA.map("cnt").id();
                idGlob = objA.map("jbpf_lp_glob").id();
                assertThat(objB.map("cnt").id()).as("another object's PIN_OBJECT_NS map").isNotEqualTo(idA);
                assertThat(againA.map("cnt").id()).as("the same object loaded again").isEqualTo(idA);
                assertThat(objB.map("jbpf_lp_glob").id()).as("PIN_GLOBAL_NS").isEqualTo(idGlob);

                assertThat(objA.program("cls_a").testRun(Packets.any64(), null, 1).retval()).isZero();
                assertThat(u64(objA.map("cnt"))).isEqualTo(1);
                assertThat(u64(objB.map("cnt"))).as("b's counter is not a's").isZero();
                assertThat(u64(objB.map("jbpf_lp_glob"))).isEqualTo(1);
                assertThat(objB.program("cls_b").testRun(Packets.any64(), null, 1).retval()).isZero();
                assertThat(u64(againA.map("jbpf_lp_glob"))).isEqualTo(2);
                assertThat(objB.pinLog().pins()).as("b pinned only its own cnt").containsExactly(cntB);
                assertThat(againA.pinLog().pins()).as("the second load of a reused everything").isEmpty();
            }
            // From outside, after every fd is closed: the pins are where iproute2 puts them.
            assertThat(pinnedMapId(cntA)).isEqualTo(idA);
            assertThat(pinnedMapId(glob)).isEqualTo(idGlob);
            assertThat(pinnedMapId(cntB)).isNotEqualTo(idA).isPositive();
            assertThat(fs.dir.resolve("cnt")).as("not pinned by name").doesNotExist();
        }
    }

    @Test
    void aFailedLoadTakesBackTheDirectoriesItMade() throws java.io.IOException {
        // a's map is pinned under tc/<hash>/, then a program that cannot load fails the load.
        byte[] bytes = Files.readAllBytes(Objects.path("corpus/legacy_pin_a.o"));
        io.jbpf.elf.ElfFile elf = io.jbpf.elf.ElfFile.parse("x", bytes);
        bytes[(int) elf.section("classifier").orElseThrow().offset()] = (byte) 0xff;
        BpfObjectSpec broken = BpfObjectSpec.parse("legacy_pin_broken.o", bytes);
        try (BpfFs fs = new BpfFs()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> BpfObject.load(broken, LoadOptions.defaults().withPinRoot(fs.dir)))
                    .isInstanceOf(BpfException.class).hasMessageContaining("legacy_pin_broken.o");
            assertThat(fs.dir.resolve("tc")).as("tc/<hash>/ and tc/globals/ made by the load are gone").doesNotExist();
        }
    }

    private static long u64(BpfMap m) {
        return ByteBuffer.wrap(m.lookup(new byte[4])).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static int pinnedMapId(Path pin) {
        assertThat(Files.exists(pin)).as(pin.toString()).isTrue();
        Sh.Result r = Sh.run("bpftool", "map", "show", "pinned", pin.toString(), "--json");
        Matcher m = Pattern.compile("\"id\":(\\d+)").matcher(r.out());
        assertThat(m.find()).as(r.all()).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
