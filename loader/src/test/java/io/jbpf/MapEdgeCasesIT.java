package io.jbpf;

import io.jbpf.common.BpfException;
import static io.jbpf.testing.MapReads.le32;
import static io.jbpf.testing.MapReads.le64;
import static io.jbpf.testing.MapReads.u32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.MapSpec;
import io.jbpf.testing.BpfFs;
import io.jbpf.testing.CliRun;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.UpdateFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Maps at the edges of what the byte[] API, {@link MapBatch} and {@code jbpf map dump} handle:
 * pins of the wrong object type, values too large to buffer for every possible entry, bloom
 * filters (whose lookup takes the value to test), and QUEUE/STACK maps (which the kernel cannot
 * list without popping).
 */
class MapEdgeCasesIT {
    private static final int BPF_F_NO_PREALLOC = 1;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    /** The CLI in this JVM. */
    private static CliRun jbpf(String... args) {
        return CliRun.of(args);
    }

    // ------------------------------------------------------------------ 2. object type of pins

    /**
     * A program pin opened as a map, and a map pin opened as a program, are refused with a message
     * naming the pin and what it really is, and the fd is closed; bpftool agrees on what each pin is.
     */
    @Test
    void pinsOfTheWrongObjectTypeAreRefused() {
        try (BpfFs fs = new BpfFs(); BpfObject o = BpfObject.load(Objects.path("xdp_pass.o"))) {
            Path progPin = Pins.pin(o.program("xdp_pass_func").fd(), fs.dir.resolve("prog"), "program");
            Path mapPin = fs.dir.resolve("map");
            try (BpfMap m = BpfMap.create(MapSpec.of("edge_pinned", MapType.ARRAY, 4, 8, 4))) {
                m.pin(mapPin);
            }
            assertThat(Sh.run("bpftool", "prog", "show", "pinned", progPin.toString()).exit()).as("bpftool: a program").isZero();
            assertThat(Sh.run("bpftool", "map", "show", "pinned", mapPin.toString()).exit()).as("bpftool: a map").isZero();
            jbpf("status"); // warm up: class loading may open files once
            int fds = Fds.count();

            assertThatThrownBy(() -> BpfMap.fromPin(progPin)).isInstanceOf(BpfException.class)
                    .hasMessageContaining(progPin.toString()).hasMessageContaining("is a BPF program, not a map");
            assertThatThrownBy(() -> BpfProgram.fromPin(mapPin)).isInstanceOf(BpfException.class)
                    .hasMessageContaining(mapPin.toString()).hasMessageContaining("is a BPF map, not a program");
            CliRun dump = jbpf("map", "dump", progPin.toString());
            assertThat(dump.exit()).as(dump.err()).isEqualTo(1);
            assertThat(dump.err()).contains(progPin.toString(), "is a BPF program, not a map").doesNotContain("internal error");
            assertThat(Fds.count()).as("fds after the refusals").isEqualTo(fds);

            // The right types still open.
            try (BpfMap m = BpfMap.fromPin(mapPin); BpfProgram p = BpfProgram.fromPin(progPin)) {
                assertThat(m.type()).isEqualTo(MapType.ARRAY);
                assertThat(p.id()).isEqualTo(o.program("xdp_pass_func").id());
            }
        }
    }

    /** A by-name map whose pin path holds a program: the load says so instead of reading program info as a map's. */
    @Test
    void aPinnedProgramWhereAMapIsReusedIsRefused() {
        try (BpfFs fs = new BpfFs(); BpfObject o = BpfObject.load(Objects.path("xdp_pass.o"))) {
            Path pin = Pins.pin(o.program("xdp_pass_func").fd(), fs.dir.resolve("jbpf_corpus_pin"), "program");
            int fds = Fds.count();
            assertThatThrownBy(() -> BpfObject.load(BpfObjectSpec.read(Objects.path("corpus/pin_shared_a.o")),
                    LoadOptions.defaults().withPinRoot(fs.dir)))
                    .isInstanceOf(BpfException.class).hasMessageContaining("jbpf_corpus_pin")
                    .hasMessageContaining(pin.toString()).hasMessageContaining("is a BPF program, not a map");
            assertThat(Fds.count()).isEqualTo(fds);
        }
    }

    // ------------------------------------------------------------------ 3. dump memory

    /**
     * {@code map dump} of a NO_PREALLOC hash with room for 8192 entries but one in it: before, the
     * batch buffers were sized for all 8192 (1 GiB at 128 KiB values; an int overflow at 1 MiB).
     * Run as a child JVM with 64 MiB of heap and 64 MiB of direct memory, it must print the one entry.
     */
    @ParameterizedTest
    @ValueSource(ints = {128 << 10, 1 << 20})
    void dumpOfASparseMapWithLargeValuesNeedsLittleMemory(int valueSize) {
        try (BpfFs fs = new BpfFs();
             BpfMap m = BpfMap.create(MapSpec.of("edge_big", MapType.HASH, 4, valueSize, 8192, MapFlag.NO_PREALLOC))) {
            byte[] v = new byte[valueSize];
            v[0] = 0x5a;
            v[valueSize - 1] = (byte) 0xa5;
            m.update(le32(7), v, UpdateFlags.ANY);
            Path pin = fs.dir.resolve("big");
            m.pin(pin);

            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Path jar = Kernel.root().resolve("loader/target/jbpf.jar");
            assertThat(jar).as("the CLI jar (mvn package)").isRegularFile();
            Sh.Result r = Sh.run(java, "-Xmx64m", "-XX:MaxDirectMemorySize=64m", "-jar", jar.toString(), "map", "dump",
                    pin.toString(), "--json");
            assertThat(r.exit()).as("exit of the dump: %s", r.err()).isZero();
            String out = r.out().strip();
            assertThat(out).startsWith("[{\"key\":\"07 00 00 00\",\"value\":\"5a 00").endsWith(" 00 a5\"}]");
            assertThat(out.length()).as("one entry, its value in hex").isEqualTo(
                    "[{\"key\":\"07 00 00 00\",\"value\":\"\"}]".length() + 3 * valueSize - 1);
        }
    }

    /** Batches sized by bytes still read every entry of a map with large values, bucket collisions and all. */
    @Test
    void batchWithinAByteBudgetReadsEveryEntry() {
        int valueSize = 256 << 10;
        try (BpfMap m = BpfMap.create(MapSpec.of("edge_budget", MapType.HASH, 4, valueSize, 1024, MapFlag.NO_PREALLOC))) {
            for (int i = 0; i < 40; i++) {
                byte[] v = new byte[valueSize];
                v[0] = (byte) i;
                v[valueSize - 1] = (byte) ~i;
                m.update(le32(i), v, UpdateFlags.NOEXIST);
            }
            MapBatch b = m.batchWithin(1 << 20);
            assertThat(b.capacity()).as("entries in 1 MiB of buffers").isEqualTo(3);
            boolean[] seen = new boolean[40];
            int total = 0;
            for (int n = b.read(); n > 0; n = b.read()) {
                assertThat(n).isLessThanOrEqualTo(3);
                for (int i = 0; i < n; i++) {
                    int k = b.keys().getInt(i * 4);
                    assertThat(seen[k]).as("key %d read twice", k).isFalse();
                    seen[k] = true;
                    assertThat(b.values().get(i * valueSize)).isEqualTo((byte) k);
                    assertThat(b.values().get(i * valueSize + valueSize - 1)).isEqualTo((byte) ~k);
                    total++;
                }
            }
            assertThat(total).isEqualTo(40);
        }
    }

    // ------------------------------------------------------------------ 5. bloom filter

    /**
     * A bloom filter answers for the value the caller gives, not for what a buffer last held:
     * fresh, 42 is absent; after a push of 42, 43 is absent and 42 present, through this handle and another.
     * {@link BpfMap#lookup} with an empty key, which used to test leftover bytes, is refused.
     */
    @Test
    void bloomFilterTestsTheCallersValue() {
        try (BpfFs fs = new BpfFs();
             BpfMap bloom = BpfMap.create(MapSpec.of("edge_bloom", MapType.BLOOM_FILTER, 0, 8, 64))) {
            Path pin = fs.dir.resolve("bloom");
            bloom.pin(pin);
            assertThat(bloom.contains(le64(42))).as("fresh filter: 42").isFalse();
            bloom.update(new byte[0], le64(42), UpdateFlags.ANY);
            assertThat(bloom.contains(le64(43))).as("43 after pushing 42").isFalse();
            assertThat(bloom.contains(le64(42))).as("42 after pushing 42").isTrue();
            assertThat(bloom.contains(le64(43))).as("43 again, right after a hit").isFalse();
            // bpftool (7.1) cannot pass a value to test; a second handle, whose buffers never held 42, agrees.
            try (BpfMap other = BpfMap.fromPin(pin)) {
                assertThat(other.contains(le64(43))).as("other handle: 43").isFalse();
                assertThat(other.contains(le64(42))).as("other handle: 42").isTrue();
            }

            assertThatThrownBy(() -> bloom.lookup(new byte[0])).isInstanceOf(BpfException.class)
                    .hasMessageContaining("edge_bloom").hasMessageContaining("contains(");
            assertThatThrownBy(() -> bloom.contains(new byte[4])).isInstanceOf(BpfException.class)
                    .hasMessageContaining("value is 4 bytes, expected 8");

            MapCursor c = bloom.cursor();
            c.value().putLong(0, 43);
            assertThat(c.contains()).as("cursor: 43").isFalse();
            c.value().putLong(0, 42);
            assertThat(c.contains()).as("cursor: 42").isTrue();
        }
    }

    /** contains() is for bloom filters only: elsewhere a lookup of a value would mean nothing. */
    @Test
    void containsOnOtherMapsIsRefused() {
        try (BpfMap m = BpfMap.create(MapSpec.of("edge_notbloom", MapType.HASH, 4, 8, 4))) {
            assertThatThrownBy(() -> m.contains(le64(1))).isInstanceOf(BpfException.class)
                    .hasMessageContaining("edge_notbloom").hasMessageContaining("BLOOM_FILTER");
        }
    }

    // ------------------------------------------------------------------ 11. QUEUE / STACK

    /**
     * The kernel cannot list a QUEUE or STACK without popping it (no get_next_key, no batch ops):
     * {@code map dump} says so, and how to read it, instead of "get next key: EINVAL", as bpftool,
     * which fails on them too; MapBatch is refused at creation. Nothing is popped.
     */
    @ParameterizedTest
    @EnumSource(value = MapType.class, names = {"QUEUE", "STACK"})
    void queueAndStackDumpSaysWhyAndPopsNothing(MapType type) {
        try (BpfFs fs = new BpfFs(); BpfMap m = BpfMap.create(MapSpec.of("edge_qs", type, 0, 4, 8))) {
            for (int i = 1; i <= 3; i++) {
                m.update(new byte[0], le32(i), UpdateFlags.ANY);
            }
            Path pin = fs.dir.resolve("qs");
            m.pin(pin);
            String kind = type.kernelName();

            assertThat(Sh.run("bpftool", "map", "dump", "pinned", pin.toString()).exit()).as("bpftool cannot dump it either")
                    .isNotZero();
            CliRun dump = jbpf("map", "dump", pin.toString());
            assertThat(dump.exit()).as(dump.err()).isEqualTo(1);
            assertThat(dump.err()).contains("edge_qs", kind, "without popping", "peek", "pop").doesNotContain("EINVAL");

            assertThatThrownBy(() -> m.batch(4)).isInstanceOf(BpfException.class)
                    .hasMessageContaining("edge_qs").hasMessageContaining("without popping")
                    .satisfies(e -> assertThat(((BpfException) e).errno()).isZero());
            assertThatThrownBy(m::entries).isInstanceOf(BpfException.class).hasMessageContaining("without popping");

            int head = type == MapType.QUEUE ? 1 : 3;
            assertThat(u32(m.lookup(new byte[0]), 0)).as("peek: nothing popped").isEqualTo((long) head);
            List<Long> popped = new java.util.ArrayList<>();
            for (byte[] v = m.lookupAndDelete(new byte[0]); v != null; v = m.lookupAndDelete(new byte[0])) {
                popped.add(u32(v, 0));
            }
            assertThat(popped).hasSize(3);
        }
    }

    /** A bloom filter cannot be listed either: {@code map dump} says so and how to test values. */
    @Test
    void bloomFilterDumpSaysWhy() throws Exception {
        try (BpfFs fs = new BpfFs();
             BpfMap bloom = BpfMap.create(MapSpec.of("edge_bloomd", MapType.BLOOM_FILTER, 0, 8, 64))) {
            Path pin = fs.dir.resolve("bloom");
            bloom.pin(pin);
            CliRun dump = jbpf("map", "dump", pin.toString());
            assertThat(dump.exit()).as(dump.err()).isEqualTo(1);
            assertThat(dump.err()).contains("edge_bloomd", "BLOOM_FILTER", "contains").doesNotContain("EINVAL");
            assertThat(Files.exists(pin)).isTrue();
        }
    }
}
