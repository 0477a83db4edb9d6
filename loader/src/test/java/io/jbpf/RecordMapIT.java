package io.jbpf;

import io.jbpf.common.BpfException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.RecordCodecTest.FlowKey;
import io.jbpf.RecordCodecTest.FlowStats;
import io.jbpf.RecordCodecTest.Inner;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Packets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Live maps read as Java records through their kernel BTF ({@link BpfMap#typed(Class, Class)}). */
class RecordMapIT {
    /** {@code struct datarec} of bpf-src/xdp_stats.h. */
    public record DataRec(long rxPackets, long rxBytes) {
    }

    private static final int XDP_PASS = 2;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    @Test
    void xdpStatsMapReadsAsDataRecPerCpu() {
        int before = Fds.count();
        try (BpfObject o = BpfObject.load(BpfObjectSpec.read(Objects.path("xdp_icmp_echo.o")), LoadOptions.defaults())) {
            int runs = 5;
            assertThat(o.program("xdp_icmp_echo_func").testRun(Packets.any64(), null, runs).retval()).isEqualTo(XDP_PASS);
            BpfMap stats = o.map("xdp_stats_map");
            TypedMap<Integer, DataRec> typed = stats.typed(Integer.class, DataRec.class);

            List<DataRec> perCpu = typed.getPerCpu(XDP_PASS);
            assertThat(perCpu).hasSize(stats.valueBufferSize() / stats.valueStride());
            assertThat(perCpu.stream().mapToLong(DataRec::rxPackets).sum()).isEqualTo(runs);
            assertThat(perCpu.stream().mapToLong(DataRec::rxBytes).sum()).isEqualTo(64L * runs);

            // The same numbers from the raw bytes, one 16-byte slot per CPU.
            ByteBuffer raw = ByteBuffer.wrap(stats.lookup(new byte[] {XDP_PASS, 0, 0, 0})).order(ByteOrder.LITTLE_ENDIAN);
            for (int cpu = 0; cpu < perCpu.size(); cpu++) {
                assertThat(perCpu.get(cpu)).isEqualTo(new DataRec(raw.getLong(cpu * stats.valueStride()),
                        raw.getLong(cpu * stats.valueStride() + 8)));
            }

            // The allocation-free form: a cursor read at the component's offset.
            RecordCodec<DataRec> codec = RecordCodec.of(DataRec.class, io.jbpf.btf.Btf.parse("map BTF",
                    KernelInfo.btfById(stats.info().btfId())), stats.info().btfValueTypeId(), "value");
            MapCursor c = stats.cursor();
            c.key().putInt(0, XDP_PASS);
            assertThat(c.lookup()).isTrue();
            long packets = 0;
            for (int off = 0; off < stats.valueBufferSize(); off += stats.valueStride()) {
                packets += c.value().getLong(off + codec.offset("rxPackets"));
            }
            assertThat(packets).isEqualTo(runs);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void structKeysNestedStructsAndArraysReadBack() {
        try (BpfObject o = BpfObject.load(BpfObjectSpec.read(Objects.path("corpus/records_layout.o")),
                LoadOptions.defaults())) {
            assertThat(o.program("xdp_records").testRun(Packets.any64(), null, 3).retval()).isEqualTo(XDP_PASS);
            TypedMap<FlowKey, FlowStats> flows = o.map("flows").typed(FlowKey.class, FlowStats.class);
            FlowStats v = flows.get(new FlowKey(7, (short) 53, (byte) 17, (byte) 0));
            assertThat(v).isNotNull();
            assertThat(v.packets()).isEqualTo(3);
            assertThat(v.in()).isEqualTo(new Inner(0xdeadbeef, -5));
            assertThat(v.mac()).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(v.flags()).isEqualTo((short) 0x102);
            assertThat(v.hist()).containsExactly(1, 2, 3, 4);

            // Written from Java, read by bpftool-independent raw lookup of the same key.
            FlowKey k2 = new FlowKey(9, (short) 80, (byte) 6, (byte) 0);
            flows.put(k2, new FlowStats(42, new Inner(1, -1), new byte[6], (short) 0, new int[] {0, 0, 0, 9}));
            byte[] raw = o.map("flows").lookup(new byte[] {9, 0, 0, 0, 80, 0, 6, 0});
            assertThat(ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(0)).isEqualTo(42);
            assertThat(ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getInt(36)).isEqualTo(9);
        }
    }

    /** .data of corpus/globals_data: its variables in offset order. */
    public record Data(long seed, int[] weights, long dataCounter, int[] steps) {
    }

    /** .rodata: the const volatile configuration. */
    public record Rodata(int cfgMult, int cfgTag) {
    }

    @Test
    void globalDataReadsAsARecordOfItsVariables() {
        try (BpfObject o = BpfObject.load(BpfObjectSpec.read(Objects.path("corpus/globals_data.o")),
                LoadOptions.defaults())) {
            assertThat(o.program("xdp_globals_main").testRun(Packets.any64(), null, 1).retval()).isEqualTo(XDP_PASS);
            Data d = o.map("globals_.data").typed(Integer.class, Data.class).get(0);
            assertThat(d.seed()).isEqualTo(7);
            assertThat(d.weights()).containsExactly(10, 20, 30, 40);
            assertThat(d.dataCounter()).as("100, +1 by the run").isEqualTo(101);
            assertThat(d.steps()[3]).isEqualTo(14);
            assertThat(o.map("globals_.rodata").typed(Integer.class, Rodata.class).get(0)).isEqualTo(new Rodata(3, 0xabcd));
            assertThatThrownBy(() -> o.map("globals_.data").typed(Long.class, Data.class))
                    .isInstanceOf(BpfException.class).hasMessageContaining("BTF for its value only")
                    .hasMessageContaining("Integer");
        }
    }

    @Test
    void mapsWithoutBtfAreRefusedWithTheWayOut() {
        try (BpfObject o = BpfObject.load(BpfObjectSpec.read(Objects.path("xdp_legacy_maps.o")),
                LoadOptions.defaults().withDefaultType(io.jbpf.uapi.ProgType.XDP))) {
            assertThatThrownBy(() -> o.map("legacy_counter").typed(Integer.class, Long.class))
                    .isInstanceOf(BpfException.class).hasMessageContaining("legacy_counter")
                    .hasMessageContaining("typed(MapCodec, MapCodec)");
        }
    }
}
