package io.jbpf;

import io.jbpf.common.BpfException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.btf.Btf;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.MapSpec;
import io.jbpf.testing.Objects;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Records matched to map BTF (no kernel): the layouts come from corpus/records_layout.o, whose
 * {@code struct flow_key}, {@code struct flow_stats} (nested struct, arrays, a signed member)
 * and {@code struct with_bits} (a bitfield) clang laid out.
 */
class RecordCodecTest {
    public record FlowKey(int ifindex, short port, byte proto, byte pad) {
    }

    public record Inner(int a, int b) {
    }

    public record FlowStats(long packets, Inner in, byte[] mac, short flags, int[] hist) {
    }

    private static final BpfObjectSpec SPEC = BpfObjectSpec.read(Objects.golden("corpus/records_layout.o"));
    private static final Btf BTF = SPEC.btf().orElseThrow();

    private static <T> RecordCodec<T> key(String map, Class<T> type) {
        MapSpec m = SPEC.map(map).orElseThrow();
        return RecordCodec.of(type, BTF, m.btfKeyTypeId(), "key of map " + map);
    }

    private static <T> RecordCodec<T> value(String map, Class<T> type) {
        MapSpec m = SPEC.map(map).orElseThrow();
        return RecordCodec.of(type, BTF, m.btfValueTypeId(), "value of map " + map);
    }

    @Test
    void structKeyRoundTripsAtClangsOffsets() {
        RecordCodec<FlowKey> c = key("flows", FlowKey.class);
        assertThat(c.size()).isEqualTo(8);
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        c.write(new FlowKey(7, (short) 53, (byte) 17, (byte) 0), b, 0);
        assertThat(b.getInt(0)).isEqualTo(7);
        assertThat(b.getShort(4)).isEqualTo((short) 53);
        assertThat(b.get(6)).isEqualTo((byte) 17);
        assertThat(c.read(b, 0)).isEqualTo(new FlowKey(7, (short) 53, (byte) 17, (byte) 0));
    }

    @Test
    void nestedStructsAndArraysReadAtTheirOffsets() {
        RecordCodec<FlowStats> c = value("flows", FlowStats.class);
        assertThat(c.size()).isEqualTo(40);
        ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        int at = 8; // not at 0: offsets are relative to where the value starts
        b.putLong(at, 3).putInt(at + 8, 0xdeadbeef).putInt(at + 12, -5);
        b.put(at + 16, new byte[] {1, 2, 3, 4, 5, 6}).putShort(at + 22, (short) 0x102);
        for (int i = 0; i < 4; i++) {
            b.putInt(at + 24 + 4 * i, i + 1);
        }
        FlowStats v = c.read(b, at);
        assertThat(v.packets()).isEqualTo(3);
        assertThat(v.in()).isEqualTo(new Inner(0xdeadbeef, -5));
        assertThat(v.mac()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(v.flags()).isEqualTo((short) 0x102);
        assertThat(v.hist()).containsExactly(1, 2, 3, 4);

        ByteBuffer out = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        c.write(v, out, at);
        assertThat(out.array()).isEqualTo(b.array());
        assertThat(c.offset("packets")).isZero();
        assertThat(c.offset("in.b")).isEqualTo(12);
        assertThat(c.offset("hist")).isEqualTo(24);
    }

    @Test
    void scalarKeysTakeBoxedTypesOfTheirSize() {
        RecordCodec<Integer> c = key("bits", Integer.class);
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        c.write(-2, b, 0);
        assertThat(c.read(b, 0)).isEqualTo(-2);
        assertThatThrownBy(() -> key("bits", Long.class)).isInstanceOf(BpfException.class)
                .hasMessageContaining("key of map bits").hasMessageContaining("long (8 B)").hasMessageContaining("(4 B)");
    }

    public record WrongName(int ifindex, short dport, byte proto, byte pad) {
    }

    public record WrongSize(int ifindex, int port, byte proto, byte pad) {
    }

    public record TooFew(int ifindex, short port, byte proto) {
    }

    public record WrongOrder(int ifindex, byte proto, short port, byte pad) {
    }

    public record Bits(int low, int high) {
    }

    public record ShortArray(long packets, Inner in, byte[] mac, short flags, long[] hist) {
    }

    @Test
    void mismatchesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> key("flows", WrongName.class)).isInstanceOf(BpfException.class)
                .hasMessageContaining("'dport'").hasMessageContaining("'port'").hasMessageContaining("struct flow_key");
        assertThatThrownBy(() -> key("flows", WrongSize.class)).isInstanceOf(BpfException.class)
                .hasMessageContaining("WrongSize.port").hasMessageContaining("int (4 B)").hasMessageContaining("(2 B)");
        assertThatThrownBy(() -> key("flows", TooFew.class)).isInstanceOf(BpfException.class)
                .hasMessageContaining("3 components").hasMessageContaining("4 members");
        assertThatThrownBy(() -> key("flows", WrongOrder.class)).isInstanceOf(BpfException.class)
                .hasMessageContaining("component 1").hasMessageContaining("'proto'").hasMessageContaining("'port'");
        assertThatThrownBy(() -> value("bits", Bits.class)).isInstanceOf(BpfException.class)
                .hasMessageContaining("Bits.low").hasMessageContaining("bitfield");
        assertThatThrownBy(() -> value("flows", ShortArray.class)).isInstanceOf(BpfException.class)
                .hasMessageContaining("ShortArray.hist").hasMessageContaining("long[]");
        assertThatThrownBy(() -> value("flows", FlowKey.class)).isInstanceOf(BpfException.class)
                .hasMessageContaining("value of map flows");
    }

    @Test
    void camelCaseComponentsMatchSnakeCaseMembers() {
        assertThat(RecordCodec.sameName("rxPackets", "rx_packets")).isTrue();
        assertThat(RecordCodec.sameName("rx_packets", "rx_packets")).isTrue();
        assertThat(RecordCodec.sameName("rxPackets", "rxpackets")).isFalse();
    }

    @Test
    void offsetOfAnUnknownComponentSaysWhatThereIs() {
        assertThatThrownBy(() -> value("flows", FlowStats.class).offset("bytes"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("packets");
    }
}
