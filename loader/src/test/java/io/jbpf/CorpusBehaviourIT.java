package io.jbpf;

import io.jbpf.common.BpfException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Packets;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.ProgType;
import io.jbpf.uapi.UpdateFlags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The observable behaviour of every runnable object of bpf-src/corpus (see its MANIFEST.md):
 * each object is loaded with jbpf, its programs are run with BPF_PROG_TEST_RUN, and the return
 * codes, global variables and map contents are compared with the manifest.
 *
 * <p>Not here: {@code tp_getpid} (needs a tracepoint attach), {@code externs_ksym_kconfig}
 * (externs are not supported yet), and the error/pinning objects covered by CorpusErrorsIT.
 */
class CorpusBehaviourIT {
    private static final int XDP_DROP = 1;
    private static final int XDP_PASS = 2;
    private static final int XDP_TX = 3;
    private static final int XDP_REDIRECT = 4;
    private static final int TC_ACT_OK = 0;
    private static final int TC_ACT_SHOT = 2;

    private static final Path BPFFS = Path.of("/sys/fs/bpf");
    private static final byte[] ANY64 = Packets.any64();
    private static final byte[] PING64 = Packets.ping64();

    private static Set<Path> bpffsBefore;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    @BeforeAll
    static void snapshotBpffs() {
        bpffsBefore = bpffs();
    }

    @AfterAll
    static void nothingLeftPinned() {
        if (bpffsBefore != null) {
            assertThat(bpffs()).as("nothing pinned in " + BPFFS).isEqualTo(bpffsBefore);
        }
    }

    /** Everything under /sys/fs/bpf, or null when it cannot be read (no root: the tests skip anyway). */
    private static Set<Path> bpffs() {
        if (!Files.isDirectory(BPFFS)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.walk(BPFFS)) {
            return s.collect(Collectors.toSet());
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Path corpus(String name) {
        return Objects.path("corpus/" + name);
    }

    private static BpfObjectSpec spec(String name) {
        return BpfObjectSpec.read(corpus(name));
    }

    private static BpfObject load(String name) {
        return BpfObject.load(spec(name), LoadOptions.defaults());
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static long u64(byte[] b, int off) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(off);
    }

    private static long u32(byte[] b, int off) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(off));
    }

    /** Value of a u64 map entry (null if absent); for per-CPU maps the sum over every CPU's slot. */
    private static Long u64At(BpfMap m, int key) {
        byte[] v = m.lookup(le32(key));
        if (v == null) {
            return null;
        }
        if (!m.perCpu()) {
            return u64(v, 0);
        }
        assertThat(v).hasSize(m.valueBufferSize());
        int slot = (m.valueSize() + 7) & ~7;
        long sum = 0;
        for (int off = 0; off < v.length; off += slot) {
            sum += u64(v, off);
        }
        return sum;
    }

    /** Every entry of a map with u32 keys and u64 values (non-per-CPU), sorted by key. */
    private static Map<Long, Long> u32ToU64(BpfMap m) {
        Map<Long, Long> out = new TreeMap<>();
        for (Map.Entry<byte[], byte[]> e : m.entries()) {
            out.put(u32(e.getKey(), 0), u64(e.getValue(), 0));
        }
        return out;
    }

    private static int run(BpfProgram p, byte[] packet) {
        return p.testRun(packet, null, 1).retval();
    }

    private static long var(BpfObject o, String name) {
        return o.variable(name).getLong();
    }

    private static long[] u64Array(byte[] b) {
        long[] out = new long[b.length / 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = u64(b, 8 * i);
        }
        return out;
    }

    private static int possibleCpus() throws IOException {
        String list = Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim();
        int max = -1;
        for (String part : list.split(",")) {
            String[] range = part.split("-");
            max = Math.max(max, Integer.parseInt(range[range.length - 1].trim()));
        }
        return max + 1;
    }

    /**
     * Whether the kernel object with {@code id} is gone: the kernel drops a program's id at its
     * last close, its maps' ids once the program is freed (deferred work), so wait a little.
     */
    private static boolean gone(int id, IntFunction<AutoCloseable> open) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (AutoCloseable c = open.apply(id)) {
                Thread.sleep(20);
            } catch (BpfException e) {
                if (e.errno() == 2) { // ENOENT
                    return true;
                }
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return false;
    }

    private static void assertShape(BpfMap m, MapType type, int key, int value, int maxEntries, MapFlag... flags) {
        assertThat(m.info()).as(m.name()).extracting(KernelInfo.Map::type, KernelInfo.Map::keySize,
                KernelInfo.Map::valueSize, KernelInfo.Map::maxEntries, KernelInfo.Map::flags)
                .containsExactly(type, key, value, maxEntries, Set.of(flags));
    }

    @Test
    void testPacketsAreTheManifests() {
        assertThat(Packets.udp("10.1.2.3", 9)).isEqualTo(Packets.hex(
                "02000000000102000000000208004500003c000100004011 0000c0a800010a010203"
                        + "04d200090028 0000 50494e476a627066 000102030405060708090a0b0c0d0e0f1011121314151617"));
        assertThat(PING64).hasSize(64);
        assertThat(new String(PING64, 14, 8, StandardCharsets.US_ASCII)).isEqualTo("PINGjbpf");
    }

    // ---------------------------------------------------------------- 1. global data

    @Test
    void globalsData() throws InterruptedException {
        int fdsBefore = Fds.count();
        int progId;
        int[] mapIds;
        try (BpfObject o = load("globals_data.o")) {
            progId = o.program("xdp_globals_main").id();
            mapIds = o.maps().values().stream().mapToInt(BpfMap::id).toArray();
            assertThat(mapIds).hasSize(4);
            assertThat(o.map("globals_.rodata").info().flags()).as(".rodata: RDONLY_PROG|MMAPABLE").containsExactlyInAnyOrder(MapFlag.RDONLY_PROG, MapFlag.MMAPABLE);
            assertThat(o.map("globals_.data").info().flags()).containsExactly(MapFlag.MMAPABLE);
            assertThat(o.map("globals_.data").valueSize()).isEqualTo(48);
            assertThat(o.map("globals_.bss").valueSize()).isEqualTo(16);

            assertThat(run(o.program("xdp_globals_main"), ANY64)).isEqualTo(XDP_PASS);
            assertThat(var(o, "result")).isEqualTo(42);
            assertThat(var(o, "runs")).as("static .bss variable").isEqualTo(1);
            assertThat(var(o, "data_counter")).isEqualTo(101);
            assertThat(var(o, "seed")).isEqualTo(7);
            byte[] steps = o.variable("steps").get();
            assertThat(new long[] {u32(steps, 0), u32(steps, 4), u32(steps, 8), u32(steps, 12)})
                    .as("static .data array, steps[3] += 10").containsExactly(1, 2, 3, 14);
            assertThat(u32ToU64(o.map("out"))).containsExactlyInAnyOrderEntriesOf(Map.of(0L, 21L, 1L, 70L, 2L, 1L, 3L, 0xabcdL));
            assertThat(var(o, "cfg_mult")).isEqualTo(3);
            // The same through the section maps, at the manifest's offsets.
            byte[] bss = o.map("globals_.bss").lookup(le32(0));
            assertThat(new long[] {u64(bss, 0), u64(bss, 8)}).as(".bss: runs +0, result +8").containsExactly(1, 42);
            byte[] data = o.map("globals_.data").lookup(le32(0));
            assertThat(new long[] {u64(data, 0), u32(data, 16), u64(data, 24), u32(data, 44)})
                    .as(".data: seed +0, weights[2] +16, data_counter +24, steps[3] +44").containsExactly(7, 30, 101, 14);
            assertThat(o.map("globals_.rodata").lookup(le32(0))).isEqualTo(Packets.hex("03000000 cdab0000"));

            // .rodata is frozen: user space cannot change it after load either.
            assertThatThrownBy(() -> o.variable("cfg_mult").setLong(9)).isInstanceOf(BpfException.class);

            // A second run sees the first one's writes.
            assertThat(run(o.program("xdp_globals_main"), ANY64)).isEqualTo(XDP_PASS);
            assertThat(var(o, "runs")).isEqualTo(2);
            assertThat(var(o, "data_counter")).isEqualTo(102);
            assertThat(u32(o.variable("steps").get(), 12)).isEqualTo(24);
            assertThat(u64At(o.map("out"), 2)).isEqualTo(2);
        }
        assertThat(Fds.count()).as("load + close leaves no fd open").isEqualTo(fdsBefore);
        assertThat(gone(progId, BpfProgram::fromId)).as("program id " + progId + " unloaded").isTrue();
        for (int id : mapIds) {
            assertThat(gone(id, BpfMap::fromId)).as("map id " + id + " freed").isTrue();
        }

        // const volatile config chosen before load.
        BpfObjectSpec patched = spec("globals_data.o").withVariable("cfg_mult", le32(5));
        try (BpfObject o = BpfObject.load(patched, LoadOptions.defaults())) {
            assertThat(var(o, "cfg_mult")).isEqualTo(5);
            assertThat(run(o.program("xdp_globals_main"), ANY64)).isEqualTo(XDP_PASS);
            assertThat(u64At(o.map("out"), 0)).isEqualTo(35);
            assertThat(var(o, "result")).isEqualTo(70);
            assertThat(u64At(o.map("out"), 3)).as("cfg_tag untouched").isEqualTo(0xabcd);
        }
    }

    @Test
    void globalsData_writableVariableChangedBetweenRuns() {
        try (BpfObject o = load("globals_data.o")) {
            o.variable("seed").setLong(10);
            assertThat(run(o.program("xdp_globals_main"), ANY64)).isEqualTo(XDP_PASS);
            assertThat(var(o, "result")).isEqualTo(3 * 10 * 2);
            assertThat(u64At(o.map("out"), 0)).isEqualTo(30);
        }
    }

    @Test
    void globalsStrings() {
        try (BpfObject o = load("globals_strings.o")) {
            assertThat(o.map(".rodata.str1.1").valueSize()).isEqualTo(15);
            assertThat(o.map(".rodata.str1.1").info().flags()).containsExactlyInAnyOrder(MapFlag.RDONLY_PROG, MapFlag.MMAPABLE);
            assertThat(o.map(".rodata.str1.1").lookup(le32(0)))
                    .isEqualTo("PING\0%s len=%u\0".getBytes(StandardCharsets.US_ASCII));
            assertThat(o.variable("corpus_name").get()).isEqualTo("jbpf-corpus\0".getBytes(StandardCharsets.US_ASCII));

            BpfProgram p = o.program("xdp_strings");
            assertThat(run(p, PING64)).isEqualTo(XDP_DROP);
            assertThat(var(o, "ping_cmp")).isEqualTo(0);
            assertThat(var(o, "name_cmp")).isEqualTo(0);
            assertThat(cString(o.variable("msg").get())).isEqualTo("jbpf-corpus len=64");
            assertThat(var(o, "fmt_ret")).isEqualTo(19);

            assertThat(run(p, ANY64)).isEqualTo(XDP_PASS);
            assertThat(var(o, "ping_cmp")).isEqualTo(-1);
            assertThat(var(o, "name_cmp")).isEqualTo(-1);
            assertThat(cString(o.variable("msg").get())).isEqualTo("jbpf-corpus len=64");
            assertThat(var(o, "fmt_ret")).isEqualTo(19);
        }
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void globalsCustomSections() {
        try (BpfObject o = load("globals_custom_sec.o")) {
            assertThat(o.map(".data.mine").valueSize()).isEqualTo(40);
            assertThat(o.map(".rodata.mine").info().flags()).containsExactlyInAnyOrder(MapFlag.RDONLY_PROG, MapFlag.MMAPABLE);
            assertThat(var(o, "mine_limit")).isEqualTo(9);

            assertThat(run(o.program("tc_custom_sections"), ANY64)).isEqualTo(TC_ACT_OK);
            assertThat(var(o, "mine_counter")).isEqualTo(6);
            assertThat(u64Array(o.variable("mine_hist").get())).containsExactly(1, 2, 103, 4);
            assertThat(var(o, "mine_product")).isEqualTo(54);
            assertThat(var(o, "plain_runs")).isEqualTo(1);
        }
    }

    @Test
    void globalsCustomBss() {
        // libbpf 1.1 refuses this object ("bad map relo against 'big_buf'"); jbpf must load it.
        try (BpfObject o = load("globals_custom_bss.o")) {
            BpfMap big = o.map(".bss.big");
            assertThat(big.valueSize()).isEqualTo(512);
            assertThat(big.info().flags()).containsExactly(MapFlag.MMAPABLE);
            assertThat(big.lookup(le32(0))).as("NOBITS: starts zeroed").isEqualTo(new byte[512]);

            assertThat(run(o.program("xdp_custom_bss"), ANY64)).isEqualTo(XDP_PASS);
            assertThat(var(o, "small_runs")).isEqualTo(1);
            long[] buf = u64Array(o.variable("big_buf").get());
            assertThat(buf).hasSize(64);
            assertThat(buf[0]).isEqualTo(1);
            assertThat(buf[63]).isEqualTo(0x6363);
            assertThat(Arrays.copyOfRange(buf, 1, 63)).containsOnly(0);
        }
    }

    @Test
    void quirkSraStatic() {
        try (BpfObject o = load("quirk_sra_static.o")) {
            assertThat(o.warnings()).as("the kernel refuses this BTF; jbpf loads without it")
                    .anySatisfy(w -> assertThat(w).contains("BTF"));
            assertThat(run(o.program("xdp_sra_static"), ANY64)).isEqualTo(XDP_PASS);
            assertThat(var(o, "seen")).isEqualTo(14);
            assertThat(var(o, "slots.0")).isEqualTo(14);
        }
    }

    // ---------------------------------------------------------------- 2. calls and callbacks

    @Test
    void subprogCalls() {
        try (BpfObject o = load("subprog_calls.o")) {
            assertThat(run(o.program("xdp_calls_a"), ANY64)).isEqualTo(XDP_PASS);
            assertThat(run(o.program("tc_calls_b"), ANY64)).isEqualTo(TC_ACT_OK);
            assertThat(var(o, "result_a")).isEqualTo(25);
            assertThat(var(o, "result_b")).isEqualTo(169);
            assertThat(var(o, "total_calls")).isEqualTo(2);
            assertThat(u32ToU64(o.map("call_count"))).containsExactlyInAnyOrderEntriesOf(Map.of(0L, 1L, 1L, 1L));
        }
    }

    @Test
    void subprogGlobalFunc() {
        try (BpfObject o = load("subprog_global_func.o")) {
            BpfProgram p = o.program("socket_global_funcs");
            assertThat(p.type()).isEqualTo(ProgType.SOCKET_FILTER);
            assertThat(run(p, ANY64)).as("socket filter sees the packet without Ethernet header").isEqualTo(50);
            assertThat(u64Array(o.variable("glob_out").get())).containsExactly(101, 2001, 1050, 50);
        }
    }

    @Test
    void callbackLoop() {
        try (BpfObject o = load("callback_loop.o")) {
            assertThat(o.map(".rodata.cst16").valueSize()).isEqualTo(16);

            assertThat(run(o.program("xdp_loop"), ANY64)).isEqualTo(XDP_PASS);
            assertThat(var(o, "loop_ret")).isEqualTo(11);
            assertThat(var(o, "loop_sum")).isEqualTo(285);
            assertThat(var(o, "loop_calls")).isEqualTo(11);

            BpfProgram sys = o.program("sys_loop");
            assertThat(sys.type()).isEqualTo(ProgType.SYSCALL);
            BpfProgram.TestRun r = sys.testRun(null, loopArgs(5, 0, 0), 0);
            assertThat(r.retval()).isEqualTo(0);
            assertThat(r.ctx()).isEqualTo(loopArgs(5, 6, 30));
            r = sys.testRun(null, loopArgs(10, 0, 0), 0);
            assertThat(r.retval()).isEqualTo(0);
            assertThat(r.ctx()).isEqualTo(loopArgs(10, 11, 285));
        }
    }

    private static byte[] loopArgs(int limit, int iterations, long sum) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(limit).putInt(iterations).putLong(sum).array();
    }

    @Test
    void callbackForeach() {
        try (BpfObject o = load("callback_foreach.o")) {
            assertThat(run(o.program("tc_foreach"), ANY64)).isEqualTo(TC_ACT_OK);
            assertThat(var(o, "array_ret")).isEqualTo(8);
            assertThat(var(o, "array_sum")).isEqualTo(360);
            assertThat(var(o, "hash_ret")).isEqualTo(2);
            assertThat(var(o, "hash_sum")).as("two of 100/200/300, in hash order").isIn(300L, 400L, 500L);
            assertThat(var(o, "hash_key_sum")).isEqualTo(6);
            assertThat(u32ToU64(o.map("fe_hash"))).containsExactlyInAnyOrderEntriesOf(Map.of(1L, 100L, 2L, 200L, 3L, 300L));
            assertThat(u64At(o.map("fe_array"), 7)).isEqualTo(80);
        }
    }

    // ---------------------------------------------------------------- 3. tail calls

    @Test
    void tailcallStatic() {
        try (BpfObject o = load("tailcall_static.o")) {
            BpfMap jmp = o.map("jmp_table");
            assertShape(jmp, MapType.PROG_ARRAY, 4, 4, 4);
            BpfMap hits = o.map("hits");
            // The .values initialiser: a user-space lookup of a PROG_ARRAY slot gives the program id.
            assertThat(u32(jmp.lookup(le32(0)), 0)).isEqualTo(o.program("tail_zero").id());
            assertThat(jmp.lookup(le32(1))).isNull();
            assertThat(u32(jmp.lookup(le32(2)), 0)).isEqualTo(o.program("tail_two").id());

            BpfProgram dispatch = o.program("xdp_dispatch");
            assertThat(run(dispatch, ANY64)).as("tail_index 2 -> tail_two").isEqualTo(XDP_TX);
            assertThat(u32ToU64(hits)).containsExactlyInAnyOrderEntriesOf(Map.of(0L, 0L, 1L, 0L, 2L, 1L, 3L, 0L));

            o.variable("tail_index").setLong(0);
            assertThat(run(dispatch, ANY64)).as("tail_index 0 -> tail_zero").isEqualTo(XDP_DROP);
            assertThat(u64At(hits, 0)).isEqualTo(1);

            o.variable("tail_index").setLong(1);
            assertThat(run(dispatch, ANY64)).as("empty slot: falls through").isEqualTo(XDP_PASS);
            assertThat(u64At(hits, 3)).isEqualTo(1);

            o.variable("tail_index").setLong(9);
            assertThat(run(dispatch, ANY64)).as("out of range: falls through").isEqualTo(XDP_PASS);
            assertThat(u32ToU64(hits)).containsExactlyInAnyOrderEntriesOf(Map.of(0L, 1L, 1L, 0L, 2L, 1L, 3L, 2L));
        }
    }

    @Test
    void tailcallDynamic() {
        try (BpfObject o = load("tailcall_dynamic.o")) {
            BpfProgram entry = o.program("tc_chain_entry");
            assertThat(run(entry, ANY64)).as("chain[0] empty").isEqualTo(TC_ACT_OK);
            assertThat(var(o, "fallthrough_runs")).isEqualTo(1);
            assertThat(var(o, "next_runs")).isEqualTo(0);

            o.map("chain").update(le32(0), le32(o.program("tc_chain_next").fd()), UpdateFlags.ANY);
            assertThat(run(entry, ANY64)).as("tail call from a subprogram into tc_chain_next").isEqualTo(TC_ACT_SHOT);
            assertThat(var(o, "next_runs")).isEqualTo(1);
            assertThat(var(o, "entry_runs")).isEqualTo(2);
            assertThat(var(o, "fallthrough_runs")).isEqualTo(1);

            assertThat(o.map("chain").delete(le32(0))).isTrue();
            assertThat(run(entry, ANY64)).isEqualTo(TC_ACT_OK);
            assertThat(var(o, "fallthrough_runs")).isEqualTo(2);
        }
    }

    // ---------------------------------------------------------------- 4. map in map

    @Test
    void mapInMapArray() {
        try (BpfObject o = load("map_in_map_array.o");
             BpfObject other = load("maps_array_family.o")) {
            BpfMap outer = o.map("outer_arr");
            assertShape(outer, MapType.ARRAY_OF_MAPS, 4, 4, 4);
            assertShape(o.map("outer_empty"), MapType.ARRAY_OF_MAPS, 4, 4, 2);
            assertShape(o.map("inner_a"), MapType.ARRAY, 4, 8, 4);
            assertThat(u32(outer.lookup(le32(0)), 0)).as("slot 0 = inner_a").isEqualTo(o.map("inner_a").id());
            assertThat(u32(outer.lookup(le32(3)), 0)).as("slot 3 = inner_b").isEqualTo(o.map("inner_b").id());
            assertThat(outer.lookup(le32(1))).isNull();

            BpfProgram p = o.program("xdp_map_in_map");
            assertThat(run(p, ANY64)).isEqualTo(XDP_PASS);
            assertThat(u64At(o.map("inner_a"), 1)).isEqualTo(111);
            assertThat(u64At(o.map("inner_b"), 2)).isEqualTo(333);
            assertThat(var(o, "missing")).as("bits 1 and 4").isEqualTo(18);

            BpfMap inner = other.map("a_plain");
            o.map("outer_empty").update(le32(0), le32(inner.fd()), UpdateFlags.ANY);
            assertThat(run(p, ANY64)).isEqualTo(XDP_PASS);
            assertThat(var(o, "missing")).isEqualTo(2);
            assertThat(u64At(inner, 0)).isEqualTo(555);
        }
    }

    @Test
    void mapInMapHash() {
        try (BpfObject o = load("map_in_map_hash.o")) {
            BpfMap outer = o.map("outer_hash");
            assertShape(outer, MapType.HASH_OF_MAPS, 4, 4, 4);
            assertShape(o.map("inner_h"), MapType.HASH, 4, 4, 8);
            assertThat(u32(outer.lookup(le32(1)), 0)).as("key 1 = inner_h").isEqualTo(o.map("inner_h").id());
            assertThat(var(o, "update_ret")).isEqualTo(-1);

            assertThat(run(o.program("tc_hash_of_maps"), ANY64)).isEqualTo(TC_ACT_OK);
            assertThat(var(o, "update_ret")).isEqualTo(0);
            assertThat(var(o, "key2_missing")).isEqualTo(1);
            BpfMap inner = o.map("inner_h");
            assertThat(inner.entries()).hasSize(1);
            assertThat(inner.lookup(le32(42))).isEqualTo(le32(4242));
        }
    }

    // ---------------------------------------------------------------- 5. map types

    @Test
    void mapsHashFamily() throws IOException {
        try (BpfObject o = load("maps_hash_family.o")) {
            assertShape(o.map("h_plain"), MapType.HASH, 4, 8, 32);
            assertShape(o.map("h_noprealloc"), MapType.HASH, 4, 8, 32, MapFlag.NO_PREALLOC);
            assertShape(o.map("h_percpu"), MapType.PERCPU_HASH, 4, 8, 32);
            assertShape(o.map("h_lru"), MapType.LRU_HASH, 4, 8, 32);
            assertShape(o.map("h_lru_percpu"), MapType.LRU_PERCPU_HASH, 4, 8, 32, MapFlag.NO_COMMON_LRU);
            BpfProgram p = o.program("xdp_hash_family");
            int n = 0;
            for (int i = 0; i < 3; i++) {
                assertThat(run(p, ANY64)).isEqualTo(XDP_PASS);
                n++;
            }
            assertThat(p.testRun(ANY64, null, 4).retval()).isEqualTo(XDP_PASS);
            n += 4;
            for (String name : new String[] {"h_plain", "h_noprealloc", "h_percpu", "h_lru", "h_lru_percpu"}) {
                BpfMap m = o.map(name);
                assertThat(u64At(m, 64)).as(name + "[64]").isEqualTo(n);
                assertThat(m.entries()).as(name).hasSize(1);
            }
            assertThat(o.map("h_percpu").valueBufferSize()).as("one 8-byte slot per possible CPU").isEqualTo(8 * possibleCpus());
            assertThat(o.map("h_lru_percpu").valueBufferSize()).isEqualTo(8 * possibleCpus());
        }
    }

    @Test
    void mapsArrayFamily() {
        try (BpfObject o = load("maps_array_family.o")) {
            assertShape(o.map("a_plain"), MapType.ARRAY, 4, 8, 4);
            assertShape(o.map("a_percpu"), MapType.PERCPU_ARRAY, 4, 8, 4);
            assertShape(o.map("a_mmap"), MapType.ARRAY, 4, 8, 4, MapFlag.MMAPABLE);
            assertShape(o.map("a_numa"), MapType.ARRAY, 4, 8, 4, MapFlag.NUMA_NODE);
            assertShape(o.map("a_rdonly_prog"), MapType.ARRAY, 4, 8, 4, MapFlag.RDONLY_PROG);
            assertShape(o.map("a_wronly_prog"), MapType.ARRAY, 4, 8, 4, MapFlag.WRONLY_PROG);

            BpfProgram p = o.program("xdp_array_family");
            assertThat(run(p, ANY64)).isEqualTo(XDP_PASS);
            assertThat(u64At(o.map("a_plain"), 1)).isEqualTo(11);
            assertThat(u64At(o.map("a_percpu"), 1)).isEqualTo(1);
            assertThat(u64At(o.map("a_mmap"), 2)).isEqualTo(22);
            assertThat(u64At(o.map("a_numa"), 3)).isEqualTo(33);
            assertThat(u64At(o.map("a_wronly_prog"), 0)).isEqualTo(0);

            o.map("a_rdonly_prog").update(le32(0), le64(21), UpdateFlags.ANY);
            assertThat(run(p, ANY64)).isEqualTo(XDP_PASS);
            assertThat(u64At(o.map("a_wronly_prog"), 0)).isEqualTo(42);
            assertThat(u64At(o.map("a_percpu"), 1)).isEqualTo(2);
        }
    }

    @Test
    void mapsLpmTrie() {
        try (BpfObject o = load("maps_lpm_trie.o")) {
            BpfProgram p = o.program("xdp_lpm");
            record Case(byte[] packet, long matched, long lookedUp) {
            }
            for (Case c : new Case[] {
                    new Case(Packets.udp("10.1.2.3", 9), 16, 1),
                    new Case(Packets.udp("10.9.9.9", 9), 8, 1),
                    new Case(Packets.udp("192.0.2.1", 9), 0, 1),
                    new Case(ANY64, 0, 0)}) {
                assertThat(run(p, c.packet())).isEqualTo(XDP_PASS);
                assertThat(var(o, "matched")).isEqualTo(c.matched());
                assertThat(var(o, "looked_up")).isEqualTo(c.lookedUp());
            }
            BpfMap routes = o.map("routes");
            assertShape(routes, MapType.LPM_TRIE, 8, 4, 16, MapFlag.NO_PREALLOC);
            Map<String, Long> found = new TreeMap<>();
            for (Map.Entry<byte[], byte[]> e : routes.entries()) {
                byte[] k = e.getKey();
                found.put((k[4] & 0xff) + "." + (k[5] & 0xff) + "." + (k[6] & 0xff) + "." + (k[7] & 0xff) + "/" + u32(k, 0),
                        u32(e.getValue(), 0));
            }
            assertThat(found).containsExactlyInAnyOrderEntriesOf(Map.of("10.0.0.0/8", 8L, "10.1.0.0/16", 16L));
        }
    }

    @Test
    void mapsQueueStack() {
        try (BpfObject o = load("maps_queue_stack.o")) {
            BpfMap fifo = o.map("fifo");
            BpfMap lifo = o.map("lifo");
            assertShape(fifo, MapType.QUEUE, 0, 4, 8);
            assertShape(lifo, MapType.STACK, 0, 4, 8);

            assertThat(run(o.program("xdp_queue_stack"), ANY64)).isEqualTo(XDP_PASS);
            assertThat(var(o, "queue_popped")).isEqualTo(1);
            assertThat(var(o, "stack_peeked")).isEqualTo(3);
            assertThat(var(o, "stack_popped")).isEqualTo(3);
            assertThat(var(o, "push_ret")).isEqualTo(0);

            // key_size 0: lookup peeks, lookupAndDelete pops.
            assertThat(fifo.lookup(new byte[0])).isEqualTo(le32(2));
            assertThat(lifo.lookup(new byte[0])).isEqualTo(le32(2));
            assertThat(fifo.lookupAndDelete(new byte[0])).isEqualTo(le32(2));
            assertThat(fifo.lookupAndDelete(new byte[0])).isEqualTo(le32(3));
            assertThat(fifo.lookupAndDelete(new byte[0])).isNull();
            assertThat(lifo.lookupAndDelete(new byte[0])).isEqualTo(le32(2));
            assertThat(lifo.lookupAndDelete(new byte[0])).isEqualTo(le32(1));
            assertThat(lifo.lookupAndDelete(new byte[0])).isNull();
        }
    }

    @Test
    void mapsQueueStack_lookupPeeksAndUpdatePushesWithTheEmptyKey() {
        try (BpfObject o = load("maps_queue_stack.o")) {
            assertThat(run(o.program("xdp_queue_stack"), ANY64)).isEqualTo(XDP_PASS);
            BpfMap fifo = o.map("fifo");
            BpfMap lifo = o.map("lifo");
            // key_size 0: the key is new byte[0]. BPF_MAP_LOOKUP_ELEM on a QUEUE/STACK is a peek,
            // BPF_MAP_UPDATE_ELEM a push (as libbpf's bpf_map_lookup_elem(fd, NULL, v) / update).
            assertThat(fifo.lookup(new byte[0])).as("peek at the queue's head").isEqualTo(le32(2));
            assertThat(lifo.lookup(new byte[0])).as("peek at the stack's top").isEqualTo(le32(2));
            fifo.update(new byte[0], le32(4), UpdateFlags.ANY);
            lifo.update(new byte[0], le32(4), UpdateFlags.ANY);
            assertThat(fifo.lookupAndDelete(new byte[0])).isEqualTo(le32(2));
            assertThat(fifo.lookupAndDelete(new byte[0])).isEqualTo(le32(3));
            assertThat(fifo.lookupAndDelete(new byte[0])).isEqualTo(le32(4));
            assertThat(lifo.lookupAndDelete(new byte[0])).isEqualTo(le32(4));
            assertThat(lifo.lookup(new byte[0])).isEqualTo(le32(2));
        }
    }

    @Test
    void mapsBloom() {
        try (BpfObject o = load("maps_bloom.o")) {
            BpfMap bloom = o.map("seen_values");
            assertShape(bloom, MapType.BLOOM_FILTER, 0, 4, 64, MapFlag.ZERO_SEED); // BPF_F_ZERO_SEED
            assertThat(var(o, "peek_absent")).isEqualTo(-1);

            assertThat(run(o.program("xdp_bloom"), ANY64)).isEqualTo(XDP_PASS);
            assertThat(var(o, "push_ret")).isEqualTo(0);
            assertThat(var(o, "peek_present")).isEqualTo(0);
            assertThat(var(o, "peek_absent")).isEqualTo(-2);
        }
    }

    @Test
    void mapsRingbuf() {
        try (BpfObject o = load("maps_ringbuf.o")) {
            assertShape(o.map("events"), MapType.RINGBUF, 0, 0, 4096);
            BpfProgram p = o.program("xdp_ringbuf");
            assertThat(run(p, ANY64)).isEqualTo(XDP_PASS);
            assertThat(var(o, "output_ret")).isEqualTo(0);
            assertThat(var(o, "reserved")).isEqualTo(1);
            assertThat(var(o, "discarded")).isEqualTo(1);
            assertThat(var(o, "avail")).as("3 records x (8 header + 8 event)").isEqualTo(48);

            // Nobody consumes: 85 runs fill 85 x 48 = 4080 of the 4096 bytes, the 86th finds no room.
            assertThat(p.testRun(ANY64, null, 89).retval()).isEqualTo(XDP_PASS);
            assertThat(var(o, "output_ret")).isEqualTo(-11);
            assertThat(var(o, "reserved")).isEqualTo(0);
            assertThat(var(o, "avail")).isEqualTo(85 * 48);
        }
    }

    @Test
    void mapsUserRingbuf() {
        try (BpfObject o = load("maps_user_ringbuf.o")) {
            assertShape(o.map("requests"), MapType.USER_RINGBUF, 0, 0, 4096);
            assertThat(var(o, "drain_ret")).isEqualTo(-1);
            assertThat(run(o.program("xdp_user_ringbuf"), ANY64)).isEqualTo(XDP_PASS);
            assertThat(var(o, "drain_ret")).isEqualTo(0);
            assertThat(var(o, "cb_calls")).isEqualTo(0);
            assertThat(var(o, "sample_sum")).isEqualTo(0);
        }
    }

    @Test
    void mapsPerfEvent() throws IOException {
        try (BpfObject o = load("maps_perf_event.o")) {
            // max_entries 0 in the ELF: one slot per possible CPU.
            assertShape(o.map("perf_events"), MapType.PERF_EVENT_ARRAY, 4, 4, possibleCpus());
            assertThat(var(o, "perf_ret")).isEqualTo(1);
            assertThat(run(o.program("xdp_perf_event"), ANY64)).isEqualTo(XDP_PASS);
            assertThat(var(o, "perf_ret")).isEqualTo(-2);
            assertThat(var(o, "perf_pkt_ret")).isEqualTo(-2);
        }
    }

    @Test
    void mapsRedirect() {
        try (BpfObject o = load("maps_redirect.o")) {
            String[] progs = {"xdp_redirect_dev", "xdp_redirect_devhash", "xdp_redirect_cpu", "xdp_redirect_xsk"};
            for (String name : progs) {
                assertThat(run(o.program(name), ANY64)).as(name + " with empty maps").isEqualTo(XDP_PASS);
            }
            assertShape(o.map("tx_ports"), MapType.DEVMAP, 4, 4, 4, MapFlag.RDONLY_PROG);
            assertShape(o.map("tx_hash"), MapType.DEVMAP_HASH, 4, 8, 4, MapFlag.RDONLY_PROG);
            assertShape(o.map("cpus"), MapType.CPUMAP, 4, 8, 1);
            assertShape(o.map("xsks"), MapType.XSKMAP, 4, 4, 4);
            assertThat(o.program("xdp_redirect_dev").tag()).as("same code, maps excluded")
                    .isEqualTo(o.program("xdp_redirect_cpu").tag());

            o.map("tx_ports").update(le32(0), le32(1), UpdateFlags.ANY); // lo
            o.map("tx_hash").update(le32(10), devmapVal(1, 0), UpdateFlags.ANY);
            o.map("cpus").update(le32(0), devmapVal(256, 0), UpdateFlags.ANY); // qsize 256, no program
            for (int i = 0; i < 3; i++) {
                assertThat(run(o.program(progs[i]), ANY64)).as(progs[i] + " with the slot filled").isEqualTo(XDP_REDIRECT);
            }
            assertThat(run(o.program("xdp_redirect_xsk"), ANY64)).isEqualTo(XDP_PASS);
        }
    }

    /** struct bpf_devmap_val / bpf_cpumap_val: u32 ifindex or qsize, then the program fd. */
    private static byte[] devmapVal(int first, int progFd) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(first).putInt(progFd).array();
    }

    @Test
    void mapsSockmap() {
        try (BpfObject o = load("maps_sockmap.o")) {
            assertThat(o.program("sk_skb_parser").type()).isEqualTo(ProgType.SK_SKB);
            assertThat(o.program("sk_skb_verdict").type()).isEqualTo(ProgType.SK_SKB);
            assertThat(o.program("sk_msg_verdict").type()).isEqualTo(ProgType.SK_MSG);
            assertThat(o.program("reuse_select").type()).isEqualTo(ProgType.SK_REUSEPORT);
            assertThat(o.map("sock_map").type()).isEqualTo(MapType.SOCKMAP);
            assertThat(o.map("sock_hash").type()).isEqualTo(MapType.SOCKHASH);
            assertThat(o.map("reuse_socks").type()).isEqualTo(MapType.REUSEPORT_SOCKARRAY);

            assertThat(var(o, "map_found")).isEqualTo(7);
            assertThat(var(o, "hash_found")).isEqualTo(7);
            assertThat(run(o.program("tc_sock_lookup"), ANY64)).isEqualTo(TC_ACT_OK);
            assertThat(var(o, "map_found")).isEqualTo(0);
            assertThat(var(o, "hash_found")).isEqualTo(0);
        }
    }

    @Test
    void mapsTaskStorage() throws InterruptedException {
        try (BpfObject o = load("maps_task_storage.o")) {
            assertShape(o.map("task_counter"), MapType.TASK_STORAGE, 4, 8, 0, MapFlag.NO_PREALLOC);
            assertThat(o.map("cgrp_store").info()).extracting(KernelInfo.Map::type, KernelInfo.Map::keySize,
                    KernelInfo.Map::valueSize, KernelInfo.Map::flags).containsExactly(MapType.CGRP_STORAGE, 4, 8, Set.of(MapFlag.NO_PREALLOC));
            assertShape(o.map("inode_store"), MapType.INODE_STORAGE, 4, 8, 0, MapFlag.NO_PREALLOC);

            BpfProgram p = o.program("sys_task_storage");
            assertThat(p.testRun(null, new byte[4], 0).retval()).isEqualTo(0);
            assertThat(var(o, "task_value")).isEqualTo(5);
            assertThat(p.testRun(null, new byte[4], 0).retval()).isEqualTo(0);
            assertThat(var(o, "task_value")).as("same thread, same task storage").isEqualTo(10);
            assertThat(var(o, "storage_missing")).isEqualTo(0);

            // Another thread is another task: its storage starts from zero.
            AtomicLong other = new AtomicLong(-1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    if (p.testRun(null, new byte[4], 0).retval() == 0) {
                        other.set(var(o, "task_value"));
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.start();
            t.join();
            assertThat(failure.get()).isNull();
            assertThat(other.get()).isEqualTo(5);
            assertThat(p.testRun(null, new byte[4], 0).retval()).isEqualTo(0);
            assertThat(var(o, "task_value")).isEqualTo(15);
        }
    }

    @Test
    void mapsSkStorage() {
        try (BpfObject o = load("maps_sk_storage.o")) {
            assertShape(o.map("sk_stats"), MapType.SK_STORAGE, 4, 16, 0, MapFlag.NO_PREALLOC);
            assertThat(var(o, "sk_status")).isEqualTo(9);
            BpfProgram p = o.program("tc_sk_storage");
            assertThat(run(p, ANY64)).isEqualTo(TC_ACT_OK);
            assertThat(var(o, "sk_status")).isEqualTo(0);
            assertThat(var(o, "sk_bytes")).isEqualTo(64);
            assertThat(run(p, ANY64)).isEqualTo(TC_ACT_OK);
            assertThat(var(o, "sk_bytes")).as("storage lives for one test run").isEqualTo(64);
        }
    }

    @Test
    void mapsCgroup() {
        try (BpfObject o = load("maps_cgroup.o")) {
            assertShape(o.map("cg_bytes"), MapType.CGROUP_STORAGE, 16, 8, 0);
            assertShape(o.map("cg_pkts"), MapType.PERCPU_CGROUP_STORAGE, 16, 8, 0);
            assertShape(o.map("cg_array"), MapType.CGROUP_ARRAY, 4, 4, 1);

            BpfProgram egress = o.program("cg_egress");
            assertThat(egress.type()).isEqualTo(ProgType.CGROUP_SKB);
            assertThat(run(egress, ANY64)).isEqualTo(1);
            assertThat(var(o, "cg_seen_bytes")).as("cgroup_skb sees the packet without Ethernet header").isEqualTo(50);
            assertThat(var(o, "cg_seen_pkts")).isEqualTo(1);
            assertThat(egress.testRun(ANY64, null, 3).retval()).isEqualTo(1);
            assertThat(var(o, "cg_seen_bytes")).as("fresh storage per test run, shared by its repetitions").isEqualTo(150);
            assertThat(var(o, "cg_seen_pkts")).isEqualTo(3);

            assertThat(var(o, "under_ret")).isEqualTo(1);
            assertThat(run(o.program("tc_under_cgroup"), ANY64)).isEqualTo(TC_ACT_OK);
            assertThat(var(o, "under_ret")).isEqualTo(-11);
        }
    }

    @Test
    void mapsStackTrace() {
        try (BpfObject o = load("maps_stack_trace.o")) {
            BpfProgram p = o.program("raw_tp_stack");
            assertThat(p.type()).isEqualTo(ProgType.RAW_TRACEPOINT);
            byte[] args = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(7).putLong(35).array();
            assertThat(p.testRun(null, args, 0).retval()).isEqualTo(0);
            assertThat(var(o, "arg_sum")).isEqualTo(42);
            long id = var(o, "stack_id");
            assertThat(id).isGreaterThanOrEqualTo(0);
            BpfMap stacks = o.map("stacks");
            assertShape(stacks, MapType.STACK_TRACE, 4, 256, 64);
            byte[] trace = stacks.lookup(le32((int) id));
            assertThat(trace).as("the recorded stack").isNotNull();
            assertThat(u64(trace, 0)).as("innermost return address").isNotZero();
        }
    }

    // ---------------------------------------------------------------- 7, 8, 9: legacy maps, several programs, long program

    @Test
    void legacyElfMap() {
        // libbpf 1.x refuses "maps" sections; jbpf must load iproute2's 36-byte struct bpf_elf_map.
        try (BpfObject o = load("legacy_elf_map.o")) {
            BpfProgram p = o.program("cls_legacy_elf");
            assertThat(p.type()).isEqualTo(ProgType.SCHED_CLS);
            BpfMap counters = o.map("elf_counters");
            BpfMap byLen = o.map("elf_by_len");
            assertShape(counters, MapType.ARRAY, 4, 8, 2);
            assertShape(byLen, MapType.HASH, 4, 8, 64);

            assertThat(p.testRun(ANY64, null, 2).retval()).isEqualTo(TC_ACT_OK);
            assertThat(u32ToU64(counters)).containsExactlyInAnyOrderEntriesOf(Map.of(0L, 2L, 1L, 128L));
            assertThat(u32ToU64(byLen)).containsExactlyInAnyOrderEntriesOf(Map.of(64L, 2L));
        }
    }

    @Test
    void multiProg() {
        try (BpfObject o = load("multi_prog.o")) {
            String[] names = {"xdp_first", "xdp_second", "tc_third", "socket_fourth"};
            int[] verdicts = {XDP_PASS, XDP_DROP, TC_ACT_SHOT, 0};
            // Program i runs i + 1 times, so every counter is told apart.
            for (int i = 0; i < names.length; i++) {
                for (int n = 0; n <= i; n++) {
                    assertThat(run(o.program(names[i]), ANY64)).as(names[i]).isEqualTo(verdicts[i]);
                }
            }
            assertThat(u32ToU64(o.map("runs"))).containsExactlyInAnyOrderEntriesOf(Map.of(0L, 1L, 1L, 2L, 2L, 3L, 3L, 4L));
        }
    }

    @Test
    void bigLineinfo() {
        try (BpfObject o = load("big_lineinfo.o")) {
            BpfProgram p = o.program("xdp_parse_long");
            assertThat(run(p, Packets.udp("10.1.2.3", 9))).as("UDP to the discard port").isEqualTo(XDP_DROP);
            assertThat(stats(o)).containsExactly(1, 1, 1, 0, 0, 0, 0, 64, 1234, 9, 34153, 1);

            assertThat(run(p, Packets.udp("10.1.2.3", 53))).isEqualTo(XDP_PASS);
            assertThat(stats(o)).containsExactly(2, 2, 2, 0, 0, 0, 0, 64, 1234, 53, 34153, 2);

            assertThat(run(p, ANY64)).isEqualTo(XDP_PASS);
            assertThat(stats(o)).as("not IPv4: other + 1").containsExactly(3, 2, 2, 0, 1, 0, 0, 64, 1234, 53, 34153, 2);
        }
    }

    /** struct parse_stats: packets, ipv4, udp, tcp, other, truncated, vlan_id, ttl, src_port, dst_port, payload_sum, verdict. */
    private static long[] stats(BpfObject o) {
        byte[] b = o.variable("stats").get();
        assertThat(b).hasSize(72);
        long[] out = new long[12];
        for (int i = 0; i < 6; i++) {
            out[i] = u64(b, 8 * i);
        }
        for (int i = 0; i < 6; i++) {
            out[6 + i] = u32(b, 48 + 4 * i);
        }
        return out;
    }
}
