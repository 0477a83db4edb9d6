package io.jbpf;

import io.jbpf.uapi.Errno;
import io.jbpf.common.BpfException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.link.IfAttached;
import io.jbpf.link.XdpAttach;
import io.jbpf.link.XdpLink;
import io.jbpf.link.XdpMode;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.NetNs;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TestEnv;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.ProgType;
import io.jbpf.uapi.UpdateFlags;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The embedding API against the kernel: maps, programs, cleanup on failure, XDP links. */
class ObjectLoadIT {
    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    @Test
    void legacyMapsAreCreatedAndUsable() {
        int before = Fds.count();
        try (BpfObject obj = BpfObject.load(Objects.path("xdp_legacy_maps.o"))) {
            BpfMap counter = obj.map("legacy_counter");
            assertThat(counter.type()).isEqualTo(MapType.ARRAY);
            assertThat(counter.keySize()).isEqualTo(4);
            assertThat(counter.valueSize()).isEqualTo(8);
            assertThat(counter.maxEntries()).isEqualTo(4);
            BpfMap hash = obj.map("legacy_ifindex_hash");
            assertThat(hash.info().name()).as("kernel names are 15 characters").isEqualTo("legacy_ifindex_");
            assertThat(hash.type()).isEqualTo(MapType.HASH);

            assertThat(hash.lookup(u32(7))).isNull();
            hash.update(u32(7), u64(70), UpdateFlags.ANY);
            hash.update(u32(9), u64(90), UpdateFlags.NOEXIST);
            assertThat(hash.lookup(u32(7))).isEqualTo(u64(70));
            assertThatThrownBy(() -> hash.update(u32(9), u64(1), UpdateFlags.NOEXIST))
                    .isInstanceOf(BpfException.class).hasMessageContaining("legacy_ifindex_hash").hasMessageContaining("EEXIST");
            assertThat(hash.entries()).hasSize(2);
            assertThat(hash.delete(u32(7))).isTrue();
            assertThat(hash.delete(u32(7))).isFalse();
            assertThat(hash.nextKey(null)).isEqualTo(u32(9));
            assertThat(hash.nextKey(u32(9))).isNull();
            assertThatThrownBy(() -> hash.lookup(new byte[3])).isInstanceOf(BpfException.class)
                    .hasMessageContaining("key is 3 bytes, expected 4");

            BpfProgram prog = obj.program("xdp_legacy_func");
            assertThat(prog.type()).isEqualTo(ProgType.XDP);
            assertThat(prog.info().mapIds()).contains(counter.id(), hash.id());
            // Cross-check with bpftool (test-only): same id, name and tag.
            Sh.Result show = Sh.run("bpftool", "prog", "show", "id", String.valueOf(prog.id()));
            assertThat(show.out()).contains("name xdp_legacy_func", "tag " + prog.tag());
        }
        assertThat(Fds.count()).as("every fd closed").isEqualTo(before);
    }

    @Test
    void perCpuValuesHoldOneSlotPerPossibleCpu() throws IOException {
        String possible = Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim();
        int cpus = Integer.parseInt(possible.substring(possible.lastIndexOf('-') + 1)) + 1;
        try (BpfObject obj = BpfObject.load(Objects.path("xdp_pass.o"))) {
            BpfMap stats = obj.map("xdp_stats_map");
            assertThat(stats.perCpu()).isTrue();
            assertThat(stats.valueBufferSize()).isEqualTo(16 * cpus);
            assertThat(stats.info().btfId()).as("map carries BTF").isNotZero();
            byte[] v = new byte[16 * cpus];
            ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
            for (int cpu = 0; cpu < cpus; cpu++) {
                b.putLong(cpu * 16, cpu + 1).putLong(cpu * 16 + 8, 100L * (cpu + 1));
            }
            stats.update(u32(2), v, UpdateFlags.ANY);
            assertThat(stats.lookup(u32(2))).isEqualTo(v);
            assertThat(stats.lookup(u32(0))).isEqualTo(new byte[16 * cpus]);
            assertThat(stats.entries()).hasSize(5);
        }
    }

    @Test
    void verifierRejectionClosesEverythingAndKeepsTheLog() {
        int before = Fds.count();
        BpfObjectSpec spec = BpfObjectSpec.read(Objects.path("xdp_verifier_reject.o"));
        assertThatThrownBy(() -> BpfObject.load(spec, LoadOptions.defaults()))
                .isInstanceOfSatisfying(VerifierException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EACCES);
                    assertThat(e.log()).contains("invalid access to packet");
                    assertThat(e.getMessage()).contains("xdp_verifier_reject_func", "section xdp", "invalid access to packet");
                });
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void failedMapCreationClosesTheMapsAlreadyCreated() throws IOException {
        // Patch legacy_ifindex_hash's max_entries (second definition, offset 20 + 12 in "maps") to 0.
        byte[] obj = Files.readAllBytes(Objects.path("xdp_legacy_maps.o"));
        BpfObjectSpec good = BpfObjectSpec.parse("xdp_legacy_maps.o", obj);
        assertThat(good.map("legacy_ifindex_hash").orElseThrow().maxEntries()).isEqualTo(16);
        long mapsOffset = mapsSectionOffset(obj);
        ByteBuffer.wrap(obj).order(ByteOrder.LITTLE_ENDIAN).putInt((int) mapsOffset + 20 + 12, 0);
        BpfObjectSpec bad = BpfObjectSpec.parse("broken_maps.o", obj);
        int before = Fds.count();
        assertThatThrownBy(() -> BpfObject.load(bad, LoadOptions.defaults()))
                .isInstanceOf(BpfException.class)
                .hasMessageContaining("broken_maps.o")
                .hasMessageContaining("create map 'legacy_ifindex_hash'")
                .hasMessageContaining("EINVAL");
        assertThat(Fds.count()).as("legacy_counter's fd was closed").isEqualTo(before);
    }

    private static long mapsSectionOffset(byte[] elf) {
        return io.jbpf.elf.ElfFile.parse("x", elf).section("maps").orElseThrow().offset();
    }

    @Test
    void xdpLinkCloseDetachesOnlyItsOwnProgram() {
        try (TestEnv env = TestEnv.setup()) {
            NetNs.call(env.xdpNs(), () -> {
                try (BpfObject obj = BpfObject.load(Objects.path("xdp_pass.o"))) {
                    BpfProgram prog = obj.program("xdp_pass_func");
                    XdpLink link = XdpLink.attach(prog, env.name, XdpMode.SKB, IfAttached.FAIL);
                    assertThat(link.mode()).isEqualTo(XdpMode.SKB);
                    assertThat(XdpAttach.query(env.name).progId(XdpMode.SKB)).isEqualTo(prog.id());
                    link.close();
                    assertThat(XdpAttach.query(env.name).hasProgram()).isFalse();

                    // A link whose program was replaced since leaves the newcomer alone.
                    XdpLink first = XdpLink.attach(prog, env.name, XdpMode.NATIVE, IfAttached.FAIL);
                    try (BpfObject other = BpfObject.load(Objects.path("xdp_drop.o"))) {
                        BpfProgram drop = other.program("xdp_drop_func");
                        XdpLink second = XdpLink.attach(drop, env.name, XdpMode.NATIVE, IfAttached.REPLACE);
                        first.close();
                        assertThat(XdpAttach.query(env.name).progId(XdpMode.NATIVE)).isEqualTo(drop.id());
                        second.close();
                    }
                    assertThat(XdpAttach.query(env.name).hasProgram()).isFalse();
                }
                return null;
            });
        }
    }
}
