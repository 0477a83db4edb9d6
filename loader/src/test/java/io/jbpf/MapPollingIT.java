package io.jbpf;

import io.jbpf.spec.MapSpec;
import io.jbpf.uapi.Errno;
import io.jbpf.common.BpfException;
import static io.jbpf.testing.MapReads.assertSameContents;
import static io.jbpf.testing.MapReads.hex;
import static io.jbpf.testing.MapReads.le32;
import static io.jbpf.testing.MapReads.le64;
import static io.jbpf.testing.MapReads.mix;
import static io.jbpf.testing.MapReads.perCpuValue;
import static io.jbpf.testing.MapReads.sumPerCpu;
import static io.jbpf.testing.MapReads.u32;
import static io.jbpf.testing.MapReads.u64;
import static io.jbpf.testing.MapReads.unhex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.internal.sys.PossibleCpus;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.MapReads;
import io.jbpf.testing.MapReads.BatchPass;
import io.jbpf.testing.MmapReadOnlyWrite;
import io.jbpf.testing.Objects;
import io.jbpf.testing.ProgramLoop;
import io.jbpf.testing.RawBatch;
import io.jbpf.uapi.BpfCmd;
import io.jbpf.uapi.LookupFlags;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.UpdateFlags;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The map polling paths (BpfMap's byte[] API, {@link MapCursor}, {@link MapBatch},
 * {@link MmapArray}) read the same contents as per-key lookups: on maps filled from user space,
 * on per-CPU maps, on map types without kernel batch support (fallback), and on maps that a
 * running program changes meanwhile. Also the batch write/delete/drain semantics, mmap
 * visibility both ways and the error paths.
 */
@Tag("vm")
class MapPollingIT {
    private static final int XDP_PASS = 2;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static BpfObject load(String object) {
        return BpfObject.load(BpfObjectSpec.read(Objects.path(object)), LoadOptions.defaults());
    }

    /** Distinct pseudo-random u32 keys: i * odd constant is a bijection of u32. */
    private static int hashKey(int i) {
        return i * 0x9E3779B1;
    }

    /** Writes entry i = (key(i), value(i)) for i in [0, n) with BpfMap.update; returns what it wrote. */
    private static Map<String, String> fill(BpfMap m, int n, IntFunction<byte[]> key, IntFunction<byte[]> value) {
        Map<String, String> written = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] k = key.apply(i);
            byte[] v = value.apply(i);
            m.update(k, v, UpdateFlags.ANY);
            assertThat(written.put(hex(k), hex(v))).as("test keys are distinct").isNull();
        }
        return written;
    }

    /**
     * Every path reads exactly {@code expected}: per-key lookup, entries(), a cursor, and a batch of
     * each capacity (a capacity below the size must take several chunks, one at least the size one).
     */
    private static void assertAllPaths(BpfMap m, Map<String, String> expected, int... capacities) {
        String what = m.name();
        assertSameContents(what + " per-key lookup", expected, MapReads.perKey(m, expected.keySet()));
        assertSameContents(what + " entries()", expected, MapReads.entries(m));
        assertSameContents(what + " cursor", expected, MapReads.cursor(m));
        for (int capacity : capacities) {
            BatchPass p = MapReads.batch(m, capacity);
            assertSameContents(what + " batch(" + capacity + ")", expected, p.contents());
            if (capacity >= expected.size()) {
                assertThat(p.chunks()).as(what + " batch(" + capacity + ") chunks").isEqualTo(expected.isEmpty() ? 0 : 1);
            } else {
                assertThat(p.chunks()).as(what + " batch(" + capacity + ") chunks")
                        .isGreaterThanOrEqualTo((expected.size() + capacity - 1) / capacity);
            }
        }
    }

    // ------------------------------------------------------------------ 1. all paths agree

    /**
     * 65,536 pseudo-random entries in a full HASH. Batch capacities 97 and 65,536: not 7, because
     * with one entry per bucket on average some bucket is likely to hold more than 7 and the
     * kernel answers ENOSPC for a bucket larger than the batch (see the sparse and LRU tests for 7).
     */
    @Test
    void hash65536_allPathsReadWhatWasWritten() {
        int fds = Fds.count();
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_hash64k", MapType.HASH, 4, 8, 65536))) {
            Map<String, String> written = fill(m, 65536, i -> le32(hashKey(i)), i -> le64(mix(i)));
            assertAllPaths(m, written, 97, 65536);
        }
        assertThat(Fds.count()).as("fds after closing the map").isEqualTo(fds);
    }

    /** A sparse, non-preallocated HASH after deletions through every delete path and in-place updates. */
    @Test
    void sparseHashWithDeletions_allPathsAgree() {
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_sparse", MapType.HASH, 4, 8, 8192, MapFlag.NO_PREALLOC))) {
            Map<String, String> expected = fill(m, 3000, i -> le32(hashKey(i) ^ 0x5a5a5a5a), i -> le64(mix(i + 7)));
            List<String> keys = new ArrayList<>(expected.keySet());
            MapCursor c = m.cursor();
            int deleted = 0;
            for (int i = 0; i < keys.size(); i++) {
                byte[] k = unhex(keys.get(i));
                switch (i % 7) {
                    case 0 -> assertThat(m.delete(k)).as("BpfMap.delete of a present key").isTrue();
                    case 1 -> {
                        c.key().put(0, k);
                        assertThat(c.delete()).as("cursor delete of a present key").isTrue();
                        assertThat(c.delete()).as("cursor delete of an absent key").isFalse();
                    }
                    case 2 -> assertThat(hex(m.lookupAndDelete(k))).isEqualTo(expected.get(keys.get(i)));
                    case 3 -> {
                        c.key().put(0, k);
                        assertThat(c.lookupAndDelete()).isTrue();
                        assertThat(hex(bytes(c.value()))).isEqualTo(expected.get(keys.get(i)));
                        assertThat(c.lookupAndDelete()).as("second lookupAndDelete").isFalse();
                    }
                    case 4 -> {
                        c.key().put(0, k);
                        c.value().putLong(0, ~mix(i));
                        c.update(UpdateFlags.EXIST);
                        expected.put(keys.get(i), hex(le64(~mix(i))));
                        continue;
                    }
                    default -> {
                        continue;
                    }
                }
                expected.remove(keys.get(i));
                deleted++;
                assertThat(m.lookup(k)).as("deleted key " + keys.get(i)).isNull();
            }
            assertThat(m.delete(le32(0x7fffffff))).as("delete of a never-written key").isFalse();
            c.key().put(0, unhex(keys.get(5)));
            c.value().putLong(0, 1);
            assertThatThrownBy(() -> c.update(UpdateFlags.NOEXIST)).isInstanceOf(BpfException.class)
                    .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.EEXIST));
            assertThat(deleted).isEqualTo(1716); // i % 7 in 0..3 for i < 3000
            assertThat(expected).hasSize(3000 - deleted);
            assertAllPaths(m, expected, 7, 8192);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 65536})
    void array_allPathsReadWhatWasWritten(int entries) {
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_arr", MapType.ARRAY, 4, 8, entries))) {
            Map<String, String> written = fill(m, entries, MapReads::le32, i -> le64(mix(i) | 1));
            assertAllPaths(m, written, 7, entries);
        }
    }

    /**
     * Per-CPU maps: every CPU slot of every entry holds a different value, written with the full
     * per-CPU buffer; the PERCPU_HASH has 4-byte values, so each 8-byte slot carries padding.
     */
    @ParameterizedTest
    @CsvSource({
        "PERCPU_ARRAY, 8, 1024, 1024",
        "PERCPU_HASH, 4, 2048, 1500",
        "LRU_PERCPU_HASH, 8, 4096, 1000",
    })
    void perCpu_allPathsReadEveryCpuSlot(MapType type, int valueSize, int maxEntries, int n) {
        int cpus = PossibleCpus.count();
        boolean array = type == MapType.PERCPU_ARRAY;
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_pcpu", type, 4, valueSize, maxEntries))) {
            assertThat(m.perCpu()).isTrue();
            assertThat(m.valueBufferSize()).isEqualTo(8 * cpus);
            Map<String, String> written = fill(m, n, i -> le32(array ? i : hashKey(i)), i -> {
                long[] perCpu = new long[cpus];
                for (int cpu = 0; cpu < cpus; cpu++) {
                    perCpu[cpu] = mix(i * 64L + cpu) & (valueSize == 4 ? 0xffffffffL : -1L);
                }
                return perCpuValue(perCpu, valueSize);
            });
            // Distinct per CPU, so a path that read one CPU's slot for all would be caught.
            byte[] v0 = unhex(written.values().iterator().next());
            assertThat(Arrays.copyOfRange(v0, 0, 8)).isNotEqualTo(Arrays.copyOfRange(v0, 8, 16));
            assertAllPaths(m, written, 7, maxEntries);
        }
    }

    /** LRU_HASH filled to a quarter, so the kernel has no reason to evict. */
    @Test
    void lruHash_allPathsReadWhatWasWritten() {
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_lru", MapType.LRU_HASH, 4, 8, 4096))) {
            Map<String, String> written = fill(m, 1000, i -> le32(hashKey(i + 1)), i -> le64(mix(-i)));
            assertAllPaths(m, written, 7, 4096);
        }
    }

    // ------------------------------------------------------------------ 1d / 4. mmap

    /**
     * Mmapable ARRAYs (one with 12-byte values: a 16-byte stride): entries written half through
     * BpfMap.update, half through the writable mapping; every path, both snapshots and the
     * getters read the same.
     */
    @ParameterizedTest
    @CsvSource({"256, 8", "256, 12", "65536, 8"})
    void mmapableArray_allPathsAndSnapshotsAgree(int entries, int valueSize) {
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_mmap", MapType.ARRAY, 4, valueSize, entries, MapFlag.MMAPABLE));
                MmapArray a = m.mmap(MmapAccess.READ_WRITE)) {
            assertThat(a.entries()).isEqualTo(entries);
            assertThat(a.stride()).isEqualTo((valueSize + 7) & ~7);
            Map<String, String> written = new LinkedHashMap<>();
            for (int i = 0; i < entries; i++) {
                ByteBuffer v = ByteBuffer.allocate(valueSize).order(ByteOrder.LITTLE_ENDIAN);
                v.putLong(0, mix(i));
                if (valueSize == 12) {
                    v.putInt(8, (int) mix(~i));
                }
                if (i % 2 == 0) {
                    m.update(le32(i), v.array(), UpdateFlags.ANY);
                } else {
                    a.putLong(i, 0, v.getLong(0));
                    if (valueSize == 12) {
                        a.putInt(i, 8, v.getInt(8));
                    }
                }
                written.put(hex(le32(i)), hex(v.array()));
            }
            assertAllPaths(m, written, 7, entries);
            assertSameContents("snapshot(byte[])", written, MapReads.snapshot(a, valueSize));
            assertSameContents("snapshot(direct)", written, MapReads.snapshotDirect(a, valueSize));
            assertSameContents("getLong/getInt", written, MapReads.getters(a, valueSize));
        }
    }

    /** Writes through a writable mapping of .data reach BpfMap.lookup and the program; the program's writes reach the mapping. */
    @Test
    void mmap_writesVisibleToLookupAndProgram() {
        int fds = Fds.count();
        try (BpfObject o = load("corpus/globals_data.o")) {
            BpfMap data = o.map("globals_.data");
            BpfMap bss = o.map("globals_.bss");
            try (MmapArray d = data.mmap(MmapAccess.READ_WRITE); MmapArray b = bss.mmap(MmapAccess.READ_ONLY)) {
                assertThat(d.entries()).isEqualTo(1);
                assertThat(d.stride()).isEqualTo(48);
                assertThat(d.getLong(0, 0)).as("seed").isEqualTo(7);
                assertThat(d.getLong(0, 24)).as("data_counter").isEqualTo(100);
                d.putLong(0, 0, 10);  // seed
                d.putInt(0, 16, 100); // weights[2]
                byte[] v = data.lookup(le32(0));
                assertThat(u64(v, 0)).as("seed by lookup").isEqualTo(10);
                assertThat(u32(v, 16)).as("weights[2] by lookup").isEqualTo(100);
                assertThat(o.variable("seed").getLong()).isEqualTo(10);

                assertThat(o.program("xdp_globals_main").testRun(packet(64), null, 1).retval()).isEqualTo(XDP_PASS);
                assertThat(b.getLong(0, 0)).as("runs through mmap").isEqualTo(1);
                assertThat(b.getLong(0, 8)).as("result = cfg_mult * seed * 2").isEqualTo(3 * 10 * 2);
                assertThat(d.getLong(0, 24)).as("data_counter after the run").isEqualTo(101);
                assertThat(d.getInt(0, 44)).as("steps[3]").isEqualTo(14);
                BpfMap out = o.map("out");
                assertThat(u64(out.lookup(le32(0)), 0)).as("out[0] = cfg_mult * seed").isEqualTo(30);
                assertThat(u64(out.lookup(le32(1)), 0)).as("out[1] = weights[2] + weights[3]").isEqualTo(140);

                // The other way: BpfMap.update and a cursor update show in the mapping.
                byte[] changed = data.lookup(le32(0));
                ByteBuffer.wrap(changed).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 11);
                data.update(le32(0), changed, UpdateFlags.ANY);
                assertThat(d.getLong(0, 0)).isEqualTo(11);
                MapCursor c = data.cursor();
                c.key().putInt(0, 0);
                assertThat(c.lookup()).isTrue();
                c.value().putLong(24, 5000);
                c.update(UpdateFlags.EXIST);
                assertThat(d.getLong(0, 24)).isEqualTo(5000);
                byte[] snap = new byte[48];
                d.snapshot(snap);
                assertThat(snap).isEqualTo(data.lookup(le32(0)));
            }
            // A program's write to an mmapable ARRAY declared in .maps.
            try (BpfObject arrays = load("corpus/maps_array_family.o"); MmapArray a = arrays.map("a_mmap").mmap(MmapAccess.READ_ONLY)) {
                assertThat(a.getLong(2, 0)).isZero();
                assertThat(arrays.program("xdp_array_family").testRun(packet(64), null, 1).retval()).isEqualTo(XDP_PASS);
                assertThat(a.getLong(2, 0)).as("a_mmap[2] set by the program").isEqualTo(22);
            }
        }
        assertThat(Fds.count()).isEqualTo(fds);
    }

    /** .rodata is frozen: mapped read-only it shows the initial image, writable mapping is refused with EPERM. */
    @Test
    void mmap_frozenRodataOnlyReadOnly() {
        try (BpfObject o = load("corpus/globals_data.o")) {
            BpfMap ro = o.map("globals_.rodata");
            try (MmapArray a = ro.mmap(MmapAccess.READ_ONLY)) {
                assertThat(a.getInt(0, 0)).as("cfg_mult").isEqualTo(3);
                assertThat(a.getInt(0, 4)).as("cfg_tag").isEqualTo(0xabcd);
                byte[] snap = new byte[8];
                a.snapshot(snap);
                assertThat(snap).isEqualTo(ro.lookup(le32(0)));
            }
            assertThatThrownBy(() -> ro.mmap(MmapAccess.READ_WRITE).close()).isInstanceOf(BpfException.class)
                    .hasMessageContaining("globals_.rodata")
                    .satisfies(e -> assertThat(((BpfException) e).errno()).as("errno").isEqualTo(Errno.EPERM));
        }
    }

    /** Only ARRAYs created with BPF_F_MMAPABLE can be mapped; others give a BpfException saying so, before any syscall. */
    @Test
    void mmap_nonMmapableMapsGiveClearException() {
        int fds = Fds.count();
        try (BpfMap plain = BpfMap.create(MapSpec.of("poll_nommap", MapType.ARRAY, 4, 8, 4));
                BpfMap hash = BpfMap.create(MapSpec.of("poll_hashmm", MapType.HASH, 4, 8, 4));
                BpfMap pcpu = BpfMap.create(MapSpec.of("poll_pcpumm", MapType.PERCPU_ARRAY, 4, 8, 4));
                BpfObject o = load("corpus/maps_array_family.o")) {
            for (BpfMap m : List.of(plain, hash, pcpu, o.map("a_plain"), o.map("a_percpu"), o.map("a_rdonly_prog"))) {
                for (MmapAccess access : MmapAccess.values()) {
                    assertThatThrownBy(() -> m.mmap(access).close()).as(m.name())
                            .isInstanceOf(BpfException.class)
                            .hasMessageContaining(m.name())
                            .hasMessageContaining("BPF_F_MMAPABLE");
                }
            }
        }
        try (BpfMap closed = BpfMap.create(MapSpec.of("poll_closedmm", MapType.ARRAY, 4, 8, 4, MapFlag.MMAPABLE))) {
            closed.close();
            assertThatThrownBy(() -> closed.mmap(MmapAccess.READ_ONLY)).isInstanceOf(BpfException.class).hasMessageContaining("closed");
        }
        assertThat(Fds.count()).isEqualTo(fds);
    }

    /** Index/offset bounds, snapshot buffer checks, use after close; the mapping outlives the map fd. */
    @Test
    void mmap_boundsSnapshotBuffersAndClose() {
        int fds = Fds.count();
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_mmbound", MapType.ARRAY, 4, 8, 16, MapFlag.MMAPABLE));
                MmapArray a = m.mmap(MmapAccess.READ_WRITE)) {
            a.putLong(15, 0, 1515);
            assertThatThrownBy(() -> a.getLong(16, 0)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> a.getLong(-1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> a.getLong(0, 4)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> a.putInt(0, 8, 1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> a.snapshot(new byte[127])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.snapshot(ByteBuffer.allocateDirect(127))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.snapshot(ByteBuffer.allocate(127))).isInstanceOf(IllegalArgumentException.class);
            ByteBuffer heap = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
            a.snapshot(heap);
            assertThat(heap.getLong(15 * 8)).as("snapshot into a heap buffer").isEqualTo(1515);
            assertThat(heap.position()).as("absolute copy: position untouched").isZero();

            m.close();
            assertThat(a.getLong(15, 0)).as("the mapping keeps the map alive after its fd is closed").isEqualTo(1515);
            a.close();
            a.close();
            assertThatThrownBy(() -> a.getLong(0, 0)).isInstanceOf(BpfException.class).hasMessageContaining("closed");
            assertThatThrownBy(() -> a.putLong(0, 0, 1)).isInstanceOf(BpfException.class);
            assertThatThrownBy(() -> a.snapshot(new byte[128])).isInstanceOf(BpfException.class);
        }
        assertThat(Fds.count()).isEqualTo(fds);
    }

    /**
     * A write through a read-only mapping is refused with an exception. Run in a child JVM, so that
     * a regression (a plain store to the PROT_READ page is a SIGSEGV) cannot take this JVM down.
     */
    @Test
    void mmap_readOnlyMappingRefusesWritesWithoutCrashing() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("jbpf-mmap-ro");
        Path log = dir.resolve("out.txt");
        Path hsErr = dir.resolve("hs_err.log");
        String out;
        Process p;
        try {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=" + hsErr));
            // as this JVM: where the build runs these tests on JDK 22+, native access is enabled
            // (without it the child's JVM would print a warning into the output checked below)
            java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("--enable-native-access")).forEach(cmd::add);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), MmapReadOnlyWrite.class.getName()));
            p = new ProcessBuilder(cmd)
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                    // no pipe to the child at all: the JDK closes a stdin pipe from its reaper thread
                    // after the child exits, which made later tests' fd counts and numbers flaky
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("child JVM did not finish in 60 s");
            }
            out = Files.readString(log, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(log);
            Files.deleteIfExists(hsErr);
            Files.deleteIfExists(dir);
        }
        assertThat(out).as("child output").startsWith("mapped").contains("threw ").doesNotContain("wrote");
        assertThat(out).as("entry 0 unchanged").contains("lookup 0");
        assertThat(p.exitValue()).as("child exit code; output:\n" + out).isZero();
    }

    // ------------------------------------------------------------------ 2. batch semantics

    /**
     * Batch capacity 1 on a HASH of 64 keys in 64 buckets: some bucket all but surely holds two
     * (the odds of none are about 1e-27), which the kernel refuses with ENOSPC; MapBatch reads the
     * rest of that pass key by key. Every key comes exactly once, pass after pass, and draining
     * empties the map.
     */
    @Test
    void bucketsLargerThanTheBatch_areReadKeyByKey() {
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_enospc", MapType.HASH, 4, 8, 64))) {
            Map<String, String> written = fill(m, 64, i -> le32(hashKey(i)), i -> le64(mix(i)));
            MapBatch b = m.batch(1);
            for (int pass = 0; pass < 3; pass++) {
                List<String> seen = new ArrayList<>();
                b.rewind();
                for (int n = b.read(); n > 0; n = b.read()) {
                    assertThat(n).isEqualTo(1);
                    byte[] k = new byte[4];
                    byte[] v = new byte[8];
                    b.keys().get(0, k);
                    b.values().get(0, v);
                    assertThat(hex(v)).as("value of " + hex(k)).isEqualTo(written.get(hex(k)));
                    seen.add(hex(k));
                }
                assertThat(seen).as("pass " + pass).containsExactlyInAnyOrderElementsOf(written.keySet());
            }
            b.rewind();
            int drained = 0;
            for (int n = b.readAndDelete(); n > 0; n = b.readAndDelete()) {
                drained += n;
            }
            assertThat(drained).isEqualTo(64);
            assertThat(m.nextKey(null)).as("map drained").isNull();
        }
    }

    /**
     * update(count, ANY) writes exactly the first count entries. (The kernel's batch update
     * takes no BPF_NOEXIST/BPF_EXIST, only 0 or BPF_F_LOCK: see the test below.)
     */
    @Test
    void batchUpdate_hash_writesEachKeyAndHonoursCount() {
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_bupd", MapType.HASH, 4, 8, 1024));
             MapBatch b = m.batch(100)) {
            Map<String, String> expected = new LinkedHashMap<>();
            for (int i = 0; i < 100; i++) {
                b.keys().putInt(i * 4, hashKey(i));
                b.values().putLong(i * 8, mix(i));
                expected.put(hex(le32(hashKey(i))), hex(le64(mix(i))));
            }
            b.update(100, UpdateFlags.ANY);
            assertAllPaths(m, expected, 7, 100);

            for (int i = 0; i < 100; i++) {
                b.values().putLong(i * 8, mix(i + 1000));
            }
            b.update(37, UpdateFlags.ANY);
            for (int i = 0; i < 37; i++) {
                expected.put(hex(le32(hashKey(i))), hex(le64(mix(i + 1000))));
            }
            assertAllPaths(m, expected, 7, 100);
            b.update(0, UpdateFlags.ANY);
            assertSameContents("after an empty batch", expected, MapReads.entries(m));
        }
    }

    /**
     * When the kernel refuses a batch update before writing anything (here: BPF_F_LOCK on a map
     * whose value has no bpf_spin_lock, which generic_map_update_batch rejects with EINVAL before
     * it stores batch.count), the error must not claim that the entries were written. NOEXIST and
     * EXIST, which the kernel has no batch form of, jbpf refuses itself, saying why.
     */
    @Test
    void batchUpdate_refusedBeforeWritingReportsNothingWritten() {
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_bupdflg", MapType.HASH, 4, 8, 64));
             MapBatch b = m.batch(10)) {
            for (int i = 0; i < 10; i++) {
                b.keys().putInt(i * 4, i);
                b.values().putLong(i * 8, i);
            }
            assertThatThrownBy(() -> b.update(10, UpdateFlags.LOCK)).isInstanceOf(BpfException.class)
                    .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.EINVAL))
                    .hasMessageContaining("0 of 10 written")
                    .hasMessageNotContaining("10 of 10 written");
            for (UpdateFlags f : List.of(UpdateFlags.NOEXIST, UpdateFlags.EXIST, UpdateFlags.EXIST_LOCK)) {
                assertThatThrownBy(() -> b.update(10, f)).isInstanceOf(BpfException.class)
                        .hasMessage("map poll_bupdflg: update batch takes UpdateFlags.ANY or LOCK, not " + f + " ("
                                + f.kernelName() + "): a batch always creates or replaces; use a MapCursor for "
                                + "create-only or replace-only updates");
            }
            assertThat(MapReads.entries(m)).as("nothing was written").isEmpty();
        }
    }

    /** A batch written into a per-CPU map with full per-CPU values reads back per key, slot by slot. */
    @ParameterizedTest
    @EnumSource(value = MapType.class, names = {"PERCPU_HASH", "PERCPU_ARRAY"})
    void batchUpdate_perCpu_writesEveryCpuSlot(MapType type) {
        int cpus = PossibleCpus.count();
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_bupdpc", type, 4, 8, 64));
             MapBatch b = m.batch(64)) {
            int vs = m.valueBufferSize();
            Map<String, String> expected = new LinkedHashMap<>();
            for (int i = 0; i < 64; i++) {
                long[] perCpu = new long[cpus];
                for (int cpu = 0; cpu < cpus; cpu++) {
                    perCpu[cpu] = i * 1000L + cpu + 1;
                }
                byte[] v = perCpuValue(perCpu, 8);
                b.keys().putInt(i * 4, i);
                b.values().put(i * vs, v);
                expected.put(hex(le32(i)), hex(v));
            }
            b.update(64, UpdateFlags.ANY);
            assertAllPaths(m, expected, 7, 64);
        }
    }

    /** ARRAY batch update stops at the first bad index: the elements before it are written, the error says how many. */
    @Test
    void batchUpdate_array_stopsAtFirstOutOfRangeKey() {
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_bupdarr", MapType.ARRAY, 4, 8, 256));
             MapBatch b = m.batch(16)) {
            for (int i = 0; i < 10; i++) {
                b.keys().putInt(i * 4, 255 - i * 7);
                b.values().putLong(i * 8, i + 1);
            }
            b.keys().putInt(40, 256);
            b.values().putLong(80, 99);
            b.keys().putInt(44, 3);
            b.values().putLong(88, 33);
            assertThatThrownBy(() -> b.update(12, UpdateFlags.ANY)).isInstanceOf(BpfException.class)
                    .hasMessageContaining("10 of 12 written")
                    .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.E2BIG));
            Map<String, String> expected = new TreeMap<>();
            for (int i = 0; i < 256; i++) {
                expected.put(hex(le32(i)), hex(le64(0)));
            }
            for (int i = 0; i < 10; i++) {
                expected.put(hex(le32(255 - i * 7)), hex(le64(i + 1)));
            }
            assertAllPaths(m, expected, 7, 256);
        }
    }

    /** delete(count) removes exactly those keys; the kernel stops at the first absent key and says how far it got. */
    @Test
    void batchDelete_removesExactlyThoseKeys() {
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_bdel", MapType.HASH, 4, 8, 1024))) {
            Map<String, String> expected = fill(m, 300, i -> le32(hashKey(i)), i -> le64(i));
            MapBatch b = m.batch(128);
            int n = 0;
            for (int i = 0; i < 300; i += 3) {
                b.keys().putInt(n++ * 4, hashKey(i));
                expected.remove(hex(le32(hashKey(i))));
            }
            assertThat(n).isEqualTo(100);
            assertThat(b.delete(n)).as("deleted").isEqualTo(100);
            assertAllPaths(m, expected, 7, 300);
            for (int i = 0; i < 300; i += 3) {
                assertThat(m.lookup(le32(hashKey(i)))).isNull();
            }

            // Keys 1, 2, (0: already gone), 4, 5.
            int[] batch = {hashKey(1), hashKey(2), hashKey(0), hashKey(4), hashKey(5)};
            for (int i = 0; i < batch.length; i++) {
                b.keys().putInt(i * 4, batch[i]);
            }
            assertThat(b.delete(5)).as("deleted before the absent key").isEqualTo(2);
            expected.remove(hex(le32(hashKey(1))));
            expected.remove(hex(le32(hashKey(2))));
            assertAllPaths(m, expected, 7, 300);
            assertThat(m.lookup(le32(hashKey(4)))).as("after the absent key: not deleted").isNotNull();
        }
    }

    /** readAndDelete() chunk by chunk returns every entry once and leaves the map empty. */
    @ParameterizedTest
    @EnumSource(value = MapType.class, names = {"HASH", "PERCPU_HASH", "LRU_HASH"})
    void readAndDelete_drainsTheMap(MapType type) {
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_drain", type, 4, 8, 1024))) {
            int vs = m.valueBufferSize();
            Map<String, String> written = fill(m, 500, i -> le32(hashKey(i)), i -> {
                long[] perCpu = new long[vs / 8];
                Arrays.setAll(perCpu, cpu -> mix(i) + cpu);
                return perCpuValue(perCpu, 8);
            });
            Map<String, String> drained = drain(m, 7);
            assertThat(drained).hasSize(500);
            assertSameContents("drained", written, drained);
            assertThat(m.nextKey(null)).as("map empty after the drain").isNull();
            assertThat(MapReads.entries(m)).isEmpty();
            MapBatch b = m.batch(7);
            assertThat(b.readAndDelete()).as("on the empty map").isZero();
            b.rewind();
            assertThat(b.read()).as("after rewind, on the empty map").isZero();
        }
    }

    /**
     * Which map types this kernel has batch reads for; the others take MapBatch's get_next_key +
     * lookup fallback. LPM_TRIE and the arrays read in batches but cannot lookup-and-delete in
     * batches; DEVMAP, DEVMAP_HASH, QUEUE and STACK have no batch ops at all.
     */
    @Test
    void kernelBatchSupportPerMapType() {
        Map<MapType, String> got = new LinkedHashMap<>();
        Map<MapType, String> expected = new LinkedHashMap<>();
        Object[][] types = {
            {MapType.HASH, 4, 8, new MapFlag[0], "0/0"},
            {MapType.PERCPU_HASH, 4, 8, new MapFlag[0], "0/0"},
            {MapType.LRU_HASH, 4, 8, new MapFlag[0], "0/0"},
            {MapType.LRU_PERCPU_HASH, 4, 8, new MapFlag[0], "0/0"},
            {MapType.ARRAY, 4, 8, new MapFlag[0], "0/524"},
            {MapType.PERCPU_ARRAY, 4, 8, new MapFlag[0], "0/524"},
            {MapType.LPM_TRIE, 8, 4, new MapFlag[] {MapFlag.NO_PREALLOC}, "0/524"},
            {MapType.DEVMAP, 4, 4, new MapFlag[0], "524/524"},
            {MapType.DEVMAP_HASH, 4, 4, new MapFlag[0], "524/524"},
            {MapType.QUEUE, 0, 4, new MapFlag[0], "524/524"},
            {MapType.STACK, 0, 4, new MapFlag[0], "524/524"},
        };
        for (Object[] t : types) {
            MapType type = (MapType) t[0];
            try (BpfMap m = BpfMap.create(MapSpec.of("poll_sup", type, (int) t[1], (int) t[2], 8, (MapFlag[]) t[3]))) {
                got.put(type, RawBatch.errno(m, BpfCmd.MAP_LOOKUP_BATCH) + "/"
                        + RawBatch.errno(m, BpfCmd.MAP_LOOKUP_AND_DELETE_BATCH));
            }
            expected.put(type, (String) t[4]);
        }
        assertThat(got).as("errno of raw LOOKUP_BATCH / LOOKUP_AND_DELETE_BATCH (524 = ENOTSUPP)").isEqualTo(expected);
    }

    /**
     * DEVMAP and DEVMAP_HASH have no batch ops: MapBatch reads them through its fallback with the
     * same contents as per-key iteration (DEVMAP's get_next_key also walks the empty slots, which
     * the fallback must skip), and readAndDelete drains them.
     */
    @ParameterizedTest
    @EnumSource(value = MapType.class, names = {"DEVMAP", "DEVMAP_HASH"})
    void fallback_devmaps_readLikePerKeyIterationAndDrain(MapType type) {
        boolean hash = type == MapType.DEVMAP_HASH;
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_dev", type, 4, 4, 64))) {
            assertThat(RawBatch.lookupBatchErrno(m)).as("no kernel batch: the fallback is taken").isEqualTo(Errno.ENOTSUPP);
            // 20 entries, all redirecting to lo (ifindex 1): at slots 3i for DEVMAP, pseudo-random keys for DEVMAP_HASH.
            Map<String, String> written = fill(m, 20, i -> le32(hash ? hashKey(i) : 3 * i), i -> le32(1));
            assertAllPaths(m, written, 7, 64);
            assertThat(MapReads.batch(m, 7).chunks()).isEqualTo(3);

            Map<String, String> drained = drain(m, 7);
            assertSameContents(m.name() + " drained through the fallback", written, drained);
            assertThat(MapReads.entries(m)).isEmpty();
            assertThat(MapReads.batch(m, 7).contents()).isEmpty();
        }
    }

    /** LPM_TRIE: kernel batch reads, but no batch lookup-and-delete, so readAndDelete drains through the fallback. */
    @Test
    void lpmTrie_batchReadsAndFallbackDrain() {
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_lpm", MapType.LPM_TRIE, 8, 4, 64, MapFlag.NO_PREALLOC))) {
            Map<String, String> written = fill(m, 40, i -> {
                ByteBuffer k = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                k.putInt(i < 30 ? 16 : 24);
                k.put(i < 30 ? new byte[] {10, (byte) i, 0, 0} : new byte[] {(byte) 192, (byte) 168, (byte) i, 0});
                return k.array();
            }, i -> le32(1000 + i));
            // Nested prefixes too: 10.0.0.0/8 contains all the /16s.
            byte[] slash8 = {8, 0, 0, 0, 10, 0, 0, 0};
            m.update(slash8, le32(8), UpdateFlags.NOEXIST);
            written.put(hex(slash8), hex(le32(8)));
            assertAllPaths(m, written, 7, 64);

            Map<String, String> drained = drain(m, 7);
            assertSameContents("LPM drained through the fallback", written, drained);
            assertThat(m.nextKey(null)).isNull();
        }
    }

    /** readAndDelete() until 0, with each chunk within capacity and no key twice. */
    private static Map<String, String> drain(BpfMap m, int capacity) {
        MapBatch b = m.batch(capacity);
        int ks = m.keySize();
        int vs = m.valueBufferSize();
        Map<String, String> drained = new HashMap<>();
        int chunks = 0;
        for (int n = b.readAndDelete(); n > 0; n = b.readAndDelete()) {
            chunks++;
            assertThat(n).isLessThanOrEqualTo(capacity);
            for (int i = 0; i < n; i++) {
                String k = hex(bytes(b.keys(), i * ks, ks));
                assertThat(drained.put(k, hex(bytes(b.values(), i * vs, vs)))).as("key " + k + " drained twice").isNull();
            }
        }
        assertThat(chunks).as("chunks").isGreaterThanOrEqualTo((drained.size() + capacity - 1) / capacity);
        assertThat(b.readAndDelete()).isZero();
        return drained;
    }

    /**
     * QUEUE and STACK have neither batch ops nor get_next_key (EINVAL): per-key iteration fails
     * with a BpfException naming the map and saying why, MapBatch is refused at creation, and
     * nothing is popped; the elements stay available to peek and pop.
     */
    @ParameterizedTest
    @EnumSource(value = MapType.class, names = {"QUEUE", "STACK"})
    void fallback_queueAndStack_failLikePerKeyIterationAndLoseNothing(MapType type) {
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_qs", type, 0, 4, 8))) {
            for (int i = 1; i <= 3; i++) {
                m.update(new byte[0], le32(i), UpdateFlags.ANY);
            }
            MapCursor c = m.cursor();
            assertThatThrownBy(() -> m.batch(4)).isInstanceOf(BpfException.class).hasMessageContaining("poll_qs")
                    .hasMessageContaining("without popping");
            List<Runnable> iterations = List.of(m::entries, c::next, () -> m.nextKey(null));
            for (Runnable r : iterations) {
                assertThatThrownBy(r::run).isInstanceOf(BpfException.class).hasMessageContaining("poll_qs")
                        .hasMessageContaining("without popping")
                        .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.EINVAL));
            }
            int[] order = type == MapType.QUEUE ? new int[] {1, 2, 3} : new int[] {3, 2, 1};
            assertThat(u32(m.lookup(new byte[0]), 0)).as("peek").isEqualTo(order[0]);
            for (int expected : order) {
                assertThat(c.lookupAndDelete()).isTrue();
                assertThat(c.value().getInt(0)).as("pop").isEqualTo(expected);
            }
            assertThat(c.lookupAndDelete()).as("empty").isFalse();
            assertThat(m.lookupAndDelete(new byte[0])).isNull();
        }
    }

    // ------------------------------------------------------------------ 3. concurrent change by a program

    /**
     * maps_hash_family's program counts packets by length in five hash maps while this thread
     * reads them through cursors, batches and entries(): every read sees all keys, every counter
     * only grows (per-CPU: summed), and once the writer stops every path equals per-key lookups
     * and the counts equal the runs. The keys are created from user space first, so the program
     * only increments (LRU maps then never need to evict).
     */
    @Test
    void hashFamily_readsWhileProgramCounts() throws Exception {
        int fds = Fds.count();
        List<byte[]> packets = new ArrayList<>();
        for (int len = 60; len < 68; len++) {
            packets.add(packet(len));
        }
        List<String> names = List.of("h_plain", "h_noprealloc", "h_percpu", "h_lru", "h_lru_percpu");
        try (BpfObject o = load("corpus/maps_hash_family.o")) {
            assertThat(o.map("h_lru_percpu").info().flags()).containsExactly(MapFlag.NO_COMMON_LRU);
            List<BpfMap> maps = names.stream().map(o::map).toList();
            List<String> keys = new ArrayList<>();
            for (byte[] p : packets) {
                keys.add(hex(le32(p.length)));
            }
            for (BpfMap m : maps) {
                for (String k : keys) {
                    m.update(unhex(k), new byte[m.valueBufferSize()], UpdateFlags.NOEXIST);
                }
                assertThat(MapReads.entries(m).keySet()).as(m.name()).containsExactlyInAnyOrderElementsOf(keys);
            }
            Monotonic mono = new Monotonic();
            List<MapCursor> cursors = maps.stream().map(BpfMap::cursor).toList();
            List<MapBatch> batches = maps.stream().map(m -> m.batch(3)).toList();
            int passes = 0;
            ProgramLoop writer = new ProgramLoop(List.of(o.program("xdp_hash_family")), packets, 1000, XDP_PASS);
            try (writer) {
                writer.awaitFirstRun();
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                while (passes < 20 || System.nanoTime() < end) {
                    for (int i = 0; i < maps.size(); i++) {
                        BpfMap m = maps.get(i);
                        mono.see(m, "cursor", MapReads.cursor(cursors.get(i), m), keys);
                        mono.see(m, "batch(3)", MapReads.batch(batches.get(i), m).contents(), keys);
                        mono.see(m, "entries()", MapReads.entries(m), keys);
                        mono.see(m, "lookup", MapReads.perKey(m, keys), keys);
                    }
                    passes++;
                    writer.rethrow();
                }
                assertThat(writer.alive()).isTrue();
            }
            mono.assertGrewWhileReading(names);
            // Writer stopped: exact agreement and exact counts.
            for (BpfMap m : maps) {
                Map<String, String> perKey = MapReads.perKey(m, keys);
                assertAllPaths(m, perKey, 3, 32);
                for (int p = 0; p < packets.size(); p++) {
                    long sum = sumPerCpu(unhex(perKey.get(keys.get(p))), 8);
                    assertThat(sum).as(m.name() + "[" + packets.get(p).length + "] = runs on that packet")
                            .isEqualTo(writer.runsOnPacket(p));
                }
            }
        }
        assertThat(Fds.count()).isEqualTo(fds);
    }

    /**
     * maps_array_family (a_percpu[1] += 1 per run) and globals_data (.bss runs++, .data
     * data_counter++, steps[3] += 10) run in a loop while cursors, batches and lookups read them.
     */
    @Test
    void arrayFamilyAndGlobals_readsWhileProgramsCount() throws Exception {
        try (BpfObject arrays = load("corpus/maps_array_family.o"); BpfObject globals = load("corpus/globals_data.o")) {
            BpfMap pcpu = arrays.map("a_percpu");
            BpfMap bss = globals.map("globals_.bss");
            BpfMap data = globals.map("globals_.data");
            MapCursor pcpuCursor = pcpu.cursor();
            MapBatch pcpuBatch = pcpu.batch(3);
            MapCursor bssCursor = bss.cursor();
            MapBatch dataBatch = data.batch(1);
            long lastPcpu = 0;
            long lastRuns = 0;
            long lastCounter = 100;
            long firstRuns = -1;
            int passes = 0;
            List<BpfProgram> programs = List.of(arrays.program("xdp_array_family"), globals.program("xdp_globals_main"));
            ProgramLoop writer = new ProgramLoop(programs, List.of(packet(64)), 1000, XDP_PASS);
            try (writer) {
                writer.awaitFirstRun();
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                while (passes < 20 || System.nanoTime() < end) {
                    // a_percpu: four keys every time, only key 1 counts, sum over CPUs grows.
                    for (Map<String, String> read : List.of(MapReads.cursor(pcpuCursor, pcpu),
                            MapReads.batch(pcpuBatch, pcpu).contents(), MapReads.entries(pcpu))) {
                        assertThat(read).hasSize(4);
                        long v = sumPerCpu(unhex(read.get(hex(le32(1)))), 8);
                        assertThat(v).as("a_percpu[1] never decreases").isGreaterThanOrEqualTo(lastPcpu);
                        lastPcpu = v;
                        assertThat(sumPerCpu(unhex(read.get(hex(le32(0)))), 8)).isZero();
                    }
                    // .bss runs by cursor and byte[] lookup; .data data_counter by batch.
                    bssCursor.key().putInt(0, 0);
                    assertThat(bssCursor.lookup()).isTrue();
                    long runs = bssCursor.value().getLong(0);
                    assertThat(runs).as("runs never decreases").isGreaterThanOrEqualTo(lastRuns);
                    lastRuns = runs;
                    firstRuns = firstRuns < 0 ? runs : firstRuns;
                    runs = u64(bss.lookup(le32(0)), 0);
                    assertThat(runs).isGreaterThanOrEqualTo(lastRuns);
                    lastRuns = runs;
                    BatchPass dp = MapReads.batch(dataBatch, data);
                    assertThat(dp.chunks()).isEqualTo(1);
                    long counter = u64(unhex(dp.contents().get(hex(le32(0)))), 24);
                    assertThat(counter).as("data_counter never decreases").isGreaterThanOrEqualTo(lastCounter);
                    lastCounter = counter;
                    passes++;
                    writer.rethrow();
                }
                assertThat(writer.alive()).isTrue();
            }
            long arrayRuns = writer.runsOfProgram(0);
            long globalRuns = writer.runsOfProgram(1);
            assertThat(lastRuns).as("runs grew while being read").isGreaterThan(firstRuns);
            // Stopped: exact values, all paths equal to per-key lookups.
            Map<String, String> pcpuAll = MapReads.perKey(pcpu, List.of(hex(le32(0)), hex(le32(1)), hex(le32(2)), hex(le32(3))));
            assertAllPaths(pcpu, pcpuAll, 3, 4);
            assertThat(sumPerCpu(unhex(pcpuAll.get(hex(le32(1)))), 8)).isEqualTo(arrayRuns);
            byte[] bssValue = bss.lookup(le32(0));
            byte[] dataValue = data.lookup(le32(0));
            assertAllPaths(bss, Map.of(hex(le32(0)), hex(bssValue)), 1);
            assertAllPaths(data, Map.of(hex(le32(0)), hex(dataValue)), 1);
            assertThat(u64(bssValue, 0)).as("runs").isEqualTo(globalRuns);
            assertThat(u64(bssValue, 8)).as("result").isEqualTo(42);
            assertThat(u64(dataValue, 24)).as("data_counter").isEqualTo(100 + globalRuns);
            assertThat(u32(dataValue, 44)).as("steps[3]").isEqualTo((4 + 10 * globalRuns) & 0xffffffffL);
        }
    }

    /** The same through read-only mappings of .bss and .data: getLong and both snapshots never go back. */
    @Test
    void mmap_readsWhileProgramCounts() throws Exception {
        int fds = Fds.count();
        try (BpfObject globals = load("corpus/globals_data.o")) {
            BpfMap bss = globals.map("globals_.bss");
            BpfMap data = globals.map("globals_.data");
            long firstRuns;
            long lastRuns = 0;
            long lastCounter = 100;
            try (MmapArray b = bss.mmap(MmapAccess.READ_ONLY); MmapArray d = data.mmap(MmapAccess.READ_ONLY)) {
                byte[] snap = new byte[16];
                ByteBuffer direct = ByteBuffer.allocateDirect(48).order(ByteOrder.LITTLE_ENDIAN);
                MapCursor c = bss.cursor();
                c.key().putInt(0, 0);
                ProgramLoop writer = new ProgramLoop(List.of(globals.program("xdp_globals_main")), List.of(packet(64)),
                        1000, XDP_PASS);
                try (writer) {
                    writer.awaitFirstRun();
                    firstRuns = b.getLong(0, 0);
                    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                    int passes = 0;
                    while (passes < 20 || System.nanoTime() < end) {
                        // In the order they are read: getLong, snapshot, cursor, byte[] lookup, getLong.
                        long first = b.getLong(0, 0);
                        b.snapshot(snap);
                        long[] runs = {first, u64(snap, 0), c.lookup() ? c.value().getLong(0) : -1,
                                u64(bss.lookup(le32(0)), 0), b.getLong(0, 0)};
                        for (long r : runs) {
                            assertThat(r).as("runs, in read order " + Arrays.toString(runs)).isGreaterThanOrEqualTo(lastRuns);
                            lastRuns = r;
                        }
                        d.snapshot(direct);
                        long[] counters = {direct.getLong(24), d.getLong(0, 24), u64(data.lookup(le32(0)), 24)};
                        for (long x : counters) {
                            assertThat(x).as("data_counter, in read order " + Arrays.toString(counters))
                                    .isGreaterThanOrEqualTo(lastCounter);
                            lastCounter = x;
                        }
                        passes++;
                        writer.rethrow();
                    }
                    assertThat(writer.alive()).isTrue();
                }
                long globalRuns = writer.runsOfProgram(0);
                assertThat(lastRuns).as("runs grew while being read").isGreaterThan(firstRuns);
                assertThat(b.getLong(0, 0)).isEqualTo(globalRuns);
                assertThat(d.getLong(0, 24)).isEqualTo(100 + globalRuns);
                assertThat(d.getInt(0, 44)).isEqualTo((int) (4 + 10 * globalRuns));
                b.snapshot(snap);
                assertThat(snap).isEqualTo(bss.lookup(le32(0)));
                byte[] dataSnap = new byte[48];
                d.snapshot(dataSnap);
                assertThat(dataSnap).isEqualTo(data.lookup(le32(0)));
            }
        }
        assertThat(Fds.count()).isEqualTo(fds);
    }

    // ------------------------------------------------------------------ 5. errors

    @Test
    void wrongKeyAndValueSizes_giveClearExceptions() {
        try (BpfMap h = BpfMap.create(MapSpec.of("poll_sizes", MapType.HASH, 4, 8, 16));
                BpfMap pc = BpfMap.create(MapSpec.of("poll_sizespc", MapType.PERCPU_HASH, 4, 8, 16))) {
            h.update(le32(1), le64(1), UpdateFlags.ANY);
            for (byte[] bad : List.of(new byte[3], new byte[5], new byte[0])) {
                String msg = "key is " + bad.length + " bytes, expected 4";
                List<Runnable> ops = List.of(() -> h.lookup(bad), () -> h.update(bad, le64(2), UpdateFlags.ANY),
                        () -> h.delete(bad), () -> h.nextKey(bad), () -> h.lookupAndDelete(bad));
                for (Runnable op : ops) {
                    assertThatThrownBy(op::run).isInstanceOf(BpfException.class).hasMessageContaining("poll_sizes")
                            .hasMessageContaining(msg);
                }
            }
            assertThatThrownBy(() -> h.update(le32(2), new byte[7], UpdateFlags.ANY)).isInstanceOf(BpfException.class)
                    .hasMessageContaining("value is 7 bytes, expected 8");
            int full = pc.valueBufferSize();
            assertThatThrownBy(() -> pc.update(le32(2), le64(5), UpdateFlags.ANY)).as("per-CPU map needs all slots")
                    .isInstanceOf(BpfException.class).hasMessageContaining("value is 8 bytes, expected " + full);
            assertThat(MapReads.entries(h)).isEqualTo(Map.of(hex(le32(1)), hex(le64(1))));
            assertThat(MapReads.entries(pc)).isEmpty();
        }
    }

    @Test
    void batchCapacityAndCount_giveClearExceptions() {
        try (BpfMap h = BpfMap.create(MapSpec.of("poll_cap", MapType.HASH, 4, 8, 16))) {
            for (int capacity : new int[] {0, -1}) {
                assertThatThrownBy(() -> h.batch(capacity)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("capacity").hasMessageContaining(String.valueOf(capacity));
            }
            MapBatch b = h.batch(7);
            assertThat(b.capacity()).isEqualTo(7);
            assertThat(b.keys().capacity()).isEqualTo(7 * 4);
            assertThat(b.values().capacity()).isEqualTo(7 * 8);
            for (int count : new int[] {8, -1, Integer.MAX_VALUE}) {
                assertThatThrownBy(() -> b.update(count, UpdateFlags.ANY)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("count " + count);
                assertThatThrownBy(() -> b.delete(count)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("count " + count);
            }
            assertThat(MapReads.entries(h)).isEmpty();
        }
    }

    /** Array elements cannot be deleted: readAndDelete (fallback: the kernel has no such batch op) throws and changes nothing. */
    @Test
    void readAndDelete_onArray_throwsAndKeepsContents() {
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_arrdrain", MapType.ARRAY, 4, 8, 16))) {
            Map<String, String> written = fill(m, 16, MapReads::le32, i -> le64(i + 100));
            assertThatThrownBy(() -> m.batch(7).readAndDelete()).isInstanceOf(BpfException.class)
                    .hasMessageContaining("poll_arrdrain")
                    .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.EINVAL));
            assertAllPaths(m, written, 7, 16);
        }
    }

    /**
     * After the map is closed its cursors and batches throw BpfException (not a crash, and not an
     * operation on whatever map now has the same fd number).
     */
    @Test
    void cursorAndBatchAfterMapClosed_throwBpfException() {
        int fds = Fds.count();
        try (BpfMap m = BpfMap.create(MapSpec.of("poll_closed", MapType.HASH, 4, 8, 16))) {
            int oldFd = m.fd();
            m.update(le32(1), le64(10), UpdateFlags.ANY);
            MapCursor c = m.cursor();
            MapBatch b = m.batch(7);
            assertThat(c.next()).isTrue();
            m.close();
            afterClose(m, c, b, oldFd);
            m.close();
        }
        assertThat(Fds.count()).isEqualTo(fds);
    }

    private static void afterClose(BpfMap m, MapCursor c, MapBatch b, int oldFd) {
        // The kernel hands out the lowest free fd number, but other JVM threads may free a lower one
        // meanwhile (a process's pipes, say): fill those with maps until a map gets the old number.
        List<BpfMap> fillers = new java.util.ArrayList<>();
        BpfMap reuse = null;
        while (reuse == null && fillers.size() < 64) {
            BpfMap x = BpfMap.create(MapSpec.of("poll_reuse", MapType.HASH, 4, 8, 16));
            if (x.fd() == oldFd) {
                reuse = x;
            } else {
                fillers.add(x);
            }
        }
        fillers.forEach(BpfMap::close);
        try (BpfMap other = reuse) {
            assertThat(other).as("a map got the closed map's fd number %d", oldFd).isNotNull();
            assertThat(other.fd()).as("the fd number is reused").isEqualTo(oldFd);
            other.update(le32(1), le64(77), UpdateFlags.ANY);
            c.key().putInt(0, 1);
            c.value().putLong(0, 99);
            List<Runnable> ops = List.of(c::lookup, () -> c.lookup(LookupFlags.LOCK), () -> c.update(UpdateFlags.ANY), c::delete,
                    c::lookupAndDelete, c::next, b::read, b::readAndDelete, () -> b.update(1, UpdateFlags.ANY),
                    () -> b.delete(1), m::cursor, () -> m.batch(1), () -> m.lookup(le32(1)),
                    () -> m.update(le32(1), le64(1), UpdateFlags.ANY), () -> m.delete(le32(1)), () -> m.nextKey(null),
                    m::entries, m::fd);
            for (Runnable op : ops) {
                assertThatThrownBy(op::run).isInstanceOf(BpfException.class).hasMessageContaining("poll_closed")
                        .hasMessageContaining("closed");
            }
            assertThat(MapReads.entries(other)).as("the map now on that fd is untouched")
                    .isEqualTo(Map.of(hex(le32(1)), hex(le64(77))));
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Counters read one after another (any path, any map): none may go back; some must grow. */
    private static final class Monotonic {
        private final Map<String, Long> first = new HashMap<>();
        private final Map<String, Long> last = new HashMap<>();

        /** {@code read} must hold exactly {@code keys}; each u64 counter (summed over CPUs) at least its last value. */
        void see(BpfMap m, String path, Map<String, String> read, List<String> keys) {
            assertThat(read.keySet()).as(m.name() + " keys read by " + path).containsExactlyInAnyOrderElementsOf(keys);
            for (String k : keys) {
                long v = sumPerCpu(unhex(read.get(k)), 8);
                String id = m.name() + "[" + k + "]";
                Long before = last.put(id, v);
                first.putIfAbsent(id, v);
                if (before != null) {
                    assertThat(v).as(id + " read by " + path + " went back").isGreaterThanOrEqualTo(before);
                }
            }
        }

        void assertGrewWhileReading(List<String> maps) {
            for (String name : maps) {
                assertThat(last.keySet().stream().filter(id -> id.startsWith(name + "["))
                        .anyMatch(id -> last.get(id) > first.get(id)))
                        .as(name + ": some counter grew between reads (the program really ran concurrently)").isTrue();
            }
        }
    }

    /** A packet of {@code len} bytes of 'A'. */
    private static byte[] packet(int len) {
        byte[] p = new byte[len];
        Arrays.fill(p, (byte) 'A');
        return p;
    }

    private static byte[] bytes(ByteBuffer b) {
        return bytes(b, 0, b.capacity());
    }

    private static byte[] bytes(ByteBuffer b, int off, int len) {
        byte[] out = new byte[len];
        b.get(off, out);
        return out;
    }
}
