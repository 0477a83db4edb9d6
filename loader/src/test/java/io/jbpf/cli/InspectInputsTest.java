package io.jbpf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfFormatter;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.MapSpec;
import io.jbpf.testing.CliRun;
import io.jbpf.testing.Objects;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pure parts of the bpftool-shaped commands (no kernel): JSON input, object references,
 * keys and values from hex, bytes, FIELD=VALUE or JSON typed by BTF, and their usage errors.
 */
class InspectInputsTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void jsonReadsWhatItWrites() {
        String text = "{\"a\":1,\"b\":[true,false,null],\"c\":\"x\\\"y\\n\",\"d\":-2.5,\"e\":18446744073709551615,\"f\":{}}";
        Object v = Json.parse(text);
        assertThat(Json.write(v)).isEqualTo(text);
        assertThat(((Map<?, ?>) v).get("e")).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(Json.parse(" 0x10 ")).isEqualTo(16L);
        assertThatThrownBy(() -> Json.parse("{\"a\":1")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'}'");
        assertThatThrownBy(() -> Json.parse("[1] 2")).hasMessageContaining("after the value");
        assertThatThrownBy(() -> Json.parse("{a:1}")).hasMessageContaining("key must be a string");
    }

    @Test
    void objectReferencesAreCheckedBeforeAnyCall() {
        assertThat(ObjectRef.parse(List.of("id", "7"), 0, ObjectRef.Of.PROGRAM)).isEqualTo(new ObjectRef(ObjectRef.Kind.ID, "7"));
        assertThat(ObjectRef.parse(List.of("x", "tag", "0123456789abcdef"), 1, ObjectRef.Of.PROGRAM).kind())
                .isEqualTo(ObjectRef.Kind.TAG);
        assertThatThrownBy(() -> ObjectRef.parse(List.of("tag", "0123"), 0, ObjectRef.Of.PROGRAM)).hasMessageContaining("16 hex");
        assertThatThrownBy(() -> ObjectRef.parse(List.of("tag", "0123456789abcdef"), 0, ObjectRef.Of.MAP))
                .hasMessageContaining("{ id ID | pinned PATH | name NAME }");
        assertThatThrownBy(() -> ObjectRef.parse(List.of("name", "x"), 0, ObjectRef.Of.LINK))
                .hasMessageContaining("{ id ID | pinned PATH }");
        assertThatThrownBy(() -> ObjectRef.parse(List.of("id", "-3"), 0, ObjectRef.Of.MAP)).hasMessageContaining("not an id");
        assertThatThrownBy(() -> ObjectRef.parse(List.of("id"), 0, ObjectRef.Of.MAP)).hasMessageContaining("needs a value");
    }

    @Test
    void badReferencesAreUsageErrors() {
        for (String[] args : List.of(new String[] {"prog", "show", "idx", "3"}, new String[] {"map", "lookup", "id", "x", "key", "1"},
                new String[] {"link", "detach", "name", "l"}, new String[] {"prog", "dump", "jited", "id", "1"},
                new String[] {"map", "update", "id", "1", "key", "1"})) {
            CliRun r = CliRun.of(args);
            assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
        }
    }

    /** The BTF and the flows map (struct flow_key to struct flow_stats) of the golden records_layout.o. */
    private static final BpfObjectSpec RECORDS = BpfObjectSpec.read(Objects.golden("corpus/records_layout.o"));
    private static final Btf BTF = Btf.parse("records_layout", RECORDS.kernelBtf().orElseThrow());
    private static final MapSpec FLOWS = RECORDS.maps().get("flows");
    private static final MapSpec BITS = RECORDS.maps().get("bits");

    @Test
    void keysFromHexBytesFieldsAndJsonAgree() {
        byte[] expected = HEX.parseHex("0700000035001100");
        int k = FLOWS.btfKeyTypeId();
        assertThat(MapData.parse(List.of("hex", "07", "00", "00", "00", "35", "00", "11", "00"), 8, BTF, k, "key")).isEqualTo(expected);
        assertThat(MapData.parse(List.of("hex", "0700000035001100"), 8, BTF, k, "key")).isEqualTo(expected);
        assertThat(MapData.parse(List.of("7", "0", "0", "0", "0x35", "0", "17", "0"), 8, BTF, k, "key")).isEqualTo(expected);
        assertThat(MapData.parse(List.of("ifindex=7", "port=53", "proto=17"), 8, BTF, k, "key")).isEqualTo(expected);
        assertThat(MapData.parse(List.of("{\"ifindex\":7,\"port\":53,\"proto\":17}"), 8, BTF, k, "key")).isEqualTo(expected);
        // no BTF: one number is an index, little-endian
        assertThat(MapData.parse(List.of("258"), 4, null, 0, "key")).isEqualTo(HEX.parseHex("02010000"));
    }

    @Test
    void typedValuesRoundTripThroughTheFormatter() {
        int v = FLOWS.btfValueTypeId();
        int size = (int) BTF.sizeOf(v);
        byte[] bytes = MapData.parse(List.of("packets=18446744073709551615", "in.a=3735928559", "in.b=-5",
                "mac=[1,2,3,4,5,6]", "flags=0x8001", "hist=[1,2]"), size, BTF, v, "value");
        Object back = new BtfFormatter(BTF).format(v, bytes, 0);
        assertThat(Json.write(back)).isEqualTo("{\"packets\":18446744073709551615,\"in\":{\"a\":3735928559,\"b\":-5},"
                + "\"mac\":[1,2,3,4,5,6],\"flags\":32769,\"hist\":[1,2,0,0]}");
        // a 6-byte array takes a MAC address as ip link prints it
        assertThat(MapData.parse(List.of("mac=01:02:03:0a:Fb:ff"), size, BTF, v, "value")).isEqualTo(
                MapData.parse(List.of("mac=[1,2,3,10,251,255]"), size, BTF, v, "value"));
        // and the formatter's own output parses back to the same bytes
        assertThat(MapData.parse(List.of(Json.write(back)), size, BTF, v, "value")).isEqualTo(bytes);
        // bitfields
        int bv = BITS.btfValueTypeId();
        byte[] bits = MapData.parse(List.of("low=-1", "high=5"), 4, BTF, bv, "value");
        assertThat(bits).isEqualTo(HEX.parseHex("5f000000"));
    }

    @Test
    void badValuesSayWhatIsWrong() {
        int v = FLOWS.btfValueTypeId();
        int size = (int) BTF.sizeOf(v);
        int k = FLOWS.btfKeyTypeId();
        assertThatThrownBy(() -> MapData.parse(List.of("port=70000"), 8, BTF, k, "key"))
                .hasMessageContaining("port: 70000 does not fit an unsigned 16-bit integer");
        assertThatThrownBy(() -> MapData.parse(List.of("nope=1"), 8, BTF, k, "key"))
                .hasMessageContaining("no member 'nope'").hasMessageContaining("ifindex, port, proto, pad");
        assertThatThrownBy(() -> MapData.parse(List.of("mac=[1,2,3,4,5,6,7]"), size, BTF, v, "value"))
                .hasMessageContaining("mac: 7 elements given, the array holds 6");
        assertThatThrownBy(() -> MapData.parse(List.of("1", "2"), 8, BTF, k, "key")).hasMessageContaining("key is 8 bytes, 2 given");
        assertThatThrownBy(() -> MapData.parse(List.of("hex", "zz"), 8, BTF, k, "key")).hasMessageContaining("not hex");
        assertThatThrownBy(() -> MapData.parse(List.of("a=1"), 8, null, 0, "key")).hasMessageContaining("no BTF type");
        assertThatThrownBy(() -> MapData.parse(List.of(), 8, null, 0, "key")).hasMessageContaining("missing key");
    }
}
