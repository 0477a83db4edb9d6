package io.jbpf.btf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.MapSpec;
import io.jbpf.testing.BpfObjects;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class BtfFormatterTest {
    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The map value of xdp_stats_map, typed by the object's own BTF. */
    @Nested
    class ClangTypes {
        final BpfObjectSpec spec = BpfObjectSpec.read(BpfObjects.path("xdp_pass.o"));
        final Btf btf = spec.btf().orElseThrow();
        final MapSpec map = spec.map("xdp_stats_map").orElseThrow();
        final BtfFormatter fmt = new BtfFormatter(btf);

        @Test
        void datarecValueBecomesAnOrderedMap() {
            byte[] value = le(16).putLong(42).putLong(63_000).array();
            Object out = fmt.format(map.btfValueTypeId(), value, 0);
            assertThat(out).isInstanceOf(LinkedHashMap.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> rec = (Map<String, Object>) out;
            assertThat(rec.keySet()).containsExactly("rx_packets", "rx_bytes");
            assertThat(rec).containsEntry("rx_packets", 42L).containsEntry("rx_bytes", 63_000L);
            assertThat(out).hasToString("{rx_packets=42, rx_bytes=63000}");
        }

        @Test
        void u64AboveLongMaxBecomesBigInteger() {
            byte[] value = le(16).putLong(-1L).putLong(Long.MIN_VALUE).array();
            @SuppressWarnings("unchecked")
            Map<String, Object> rec = (Map<String, Object>) fmt.format(map.btfValueTypeId(), value, 0);
            assertThat(rec.get("rx_packets")).isEqualTo(new BigInteger("18446744073709551615"));
            assertThat(rec.get("rx_bytes")).isEqualTo(new BigInteger("9223372036854775808"));

            byte[] max = le(16).putLong(Long.MAX_VALUE).putLong(0).array();
            @SuppressWarnings("unchecked")
            Map<String, Object> rec2 = (Map<String, Object>) fmt.format(map.btfValueTypeId(), max, 0);
            assertThat(rec2.get("rx_packets")).isEqualTo(Long.MAX_VALUE);
            assertThat(rec2.get("rx_bytes")).isEqualTo(0L);
        }

        @Test
        void valueAtAnOffset() {
            // One per-CPU value after another: CPU 1's slot starts at byte 16.
            byte[] percpu = le(32).putLong(1).putLong(100).putLong(2).putLong(200).array();
            assertThat(fmt.format(map.btfValueTypeId(), percpu, 16)).hasToString("{rx_packets=2, rx_bytes=200}");
        }

        @Test
        void keyIsAnUnsigned32BitInteger() {
            assertThat(fmt.format(map.btfKeyTypeId(), le(4).putInt(2).array(), 0)).isEqualTo(2L);
            assertThat(fmt.format(map.btfKeyTypeId(), le(4).putInt(-1).array(), 0)).isEqualTo(4294967295L);
        }

        @Test
        void signedIntAndIntArray() {
            int intId = btf.find(BtfKind.INT, "int").orElseThrow().id();
            assertThat(fmt.format(intId, le(4).putInt(-7).array(), 0)).isEqualTo(-7L);
            // The map definition's "type" member is int (*)[6].
            BtfType def = btf.type(btf.find(BtfKind.VAR, "xdp_stats_map").orElseThrow().type());
            int arrayId = btf.type(def.members().get(0).type()).type();
            ByteBuffer six = le(24);
            for (int i = 0; i < 6; i++) {
                six.putInt(i - 3);
            }
            assertThat(fmt.format(arrayId, six.array(), 0)).isEqualTo(List.of(-3L, -2L, -1L, 0L, 1L, 2L));
        }

        @Test
        void xdpMdContext() {
            int xdpMd = btf.find(BtfKind.STRUCT, "xdp_md").orElseThrow().id();
            ByteBuffer b = le(24);
            for (int i = 1; i <= 6; i++) {
                b.putInt(i * 10);
            }
            assertThat(fmt.format(xdpMd, b.array(), 0)).hasToString(
                    "{data=10, data_end=20, data_meta=30, ingress_ifindex=40, rx_queue_index=50, egress_ifindex=60}");
        }

        @Test
        void pointersAreUnsigned64BitNumbers() {
            BtfType def = btf.type(btf.find(BtfKind.VAR, "xdp_stats_map").orElseThrow().type());
            int ptr = def.members().get(0).type();
            assertThat(fmt.format(ptr, le(8).putLong(0x1000).array(), 0)).isEqualTo(0x1000L);
            assertThat(fmt.format(ptr, le(8).putLong(-1).array(), 0)).isEqualTo(new BigInteger("18446744073709551615"));
        }

        @Test
        void clangCharArrayIsAString() {
            int license = btf.find(BtfKind.VAR, "_license").orElseThrow().type();
            assertThat(fmt.format(license, "GPL\0".getBytes(StandardCharsets.US_ASCII), 0)).isEqualTo("GPL");
        }
    }

    @Nested
    class SyntheticTypes {
        @Test
        void integersOfEverySize() {
            BtfBuilder b = new BtfBuilder();
            int u8 = b.integer("u8", 1, 0, 8);
            int s8 = b.integer("s8", 1, BtfType.INT_SIGNED, 8);
            int u16 = b.integer("u16", 2, 0, 16);
            int s16 = b.integer("s16", 2, BtfType.INT_SIGNED, 16);
            int s64 = b.integer("s64", 8, BtfType.INT_SIGNED, 64);
            int bool = b.integer("_Bool", 1, BtfType.INT_BOOL, 8);
            int i128 = b.integer("__int128", 16, BtfType.INT_SIGNED, 128);
            BtfFormatter f = new BtfFormatter(Btf.parse("syn", b.build()));
            byte[] ff = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff};
            assertThat(f.format(u8, ff, 0)).isEqualTo(255L);
            assertThat(f.format(s8, ff, 0)).isEqualTo(-1L);
            assertThat(f.format(u16, ff, 0)).isEqualTo(65535L);
            assertThat(f.format(s16, new byte[] {(byte) 0xfe, (byte) 0xff}, 0)).isEqualTo(-2L);
            assertThat(f.format(s64, le(8).putLong(Long.MIN_VALUE).array(), 0)).isEqualTo(Long.MIN_VALUE);
            assertThat(f.format(bool, new byte[] {2}, 0)).isEqualTo(true);
            assertThat(f.format(bool, new byte[] {0}, 0)).isEqualTo(false);
            byte[] wide = new byte[16];
            wide[0] = 1;
            wide[15] = (byte) 0x80;
            assertThat(f.format(i128, wide, 0)).isEqualTo("01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 80");
        }

        @Test
        void enumsByName() {
            BtfBuilder b = new BtfBuilder();
            int action = b.enum32("xdp_action", 4, false, "XDP_ABORTED", 0, "XDP_DROP", 1, "XDP_PASS", 2,
                    "BIG", 0x80000000);
            int signed = b.enum32("s", 4, true, "MINUS_ONE", -1);
            int e64 = b.enum64("e64", false, "TOP", 0xffffffffffffffffL);
            BtfFormatter f = new BtfFormatter(Btf.parse("syn", b.build()));
            assertThat(f.format(action, le(4).putInt(2).array(), 0)).isEqualTo("XDP_PASS");
            assertThat(f.format(action, le(4).putInt(0x80000000).array(), 0)).isEqualTo("BIG");
            assertThat(f.format(action, le(4).putInt(9).array(), 0)).isEqualTo(9L);
            assertThat(f.format(signed, le(4).putInt(-1).array(), 0)).isEqualTo("MINUS_ONE");
            assertThat(f.format(e64, le(8).putLong(-1).array(), 0)).isEqualTo("TOP");
            assertThat(f.format(e64, le(8).putLong(-2).array(), 0)).isEqualTo(new BigInteger("18446744073709551614"));
        }

        @Test
        void bitfieldsAndAnonymousMembers() {
            BtfBuilder b = new BtfBuilder();
            int u32 = b.integer("u32", 4, 0, 32);
            // struct { u32 a:3; u32 b:5; u32 c:24; u32 :32 (anonymous, plain) }
            int s = b.struct(BtfKind.STRUCT, "bits", 8, true,
                    "a", u32, 3 << 24,
                    "b", u32, 5 << 24 | 3,
                    "c", u32, 24 << 24 | 8,
                    "", u32, 32);
            BtfFormatter f = new BtfFormatter(Btf.parse("syn", b.build()));
            int word = 5 | 17 << 3 | 0xabcdef << 8;
            Object out = f.format(s, le(8).putInt(word).putInt(7).array(), 0);
            assertThat(out).hasToString("{a=5, b=17, c=11259375, (anon)=7}");
        }

        @Test
        void signedBitfieldsAreSignExtended() {
            BtfBuilder b = new BtfBuilder();
            int s32 = b.integer("int", 4, BtfType.INT_SIGNED, 32);
            int u32 = b.integer("unsigned int", 4, 0, 32);
            int s64 = b.integer("long long", 8, BtfType.INT_SIGNED, 64);
            int u64 = b.integer("unsigned long long", 8, 0, 64);
            int cs32 = b.qualifier(BtfKind.CONST, b.typedef("s32_t", s32));
            // struct { int sbf:4; unsigned ubf:4; long long sbf40:40; s32_t pos:4 (typedef'd, const);
            //          long long s64bf:64; unsigned long long u64bf:64 }
            int s = b.struct(BtfKind.STRUCT, "val", 24, true,
                    "sbf", s32, 4 << 24,
                    "ubf", u32, 4 << 24 | 4,
                    "sbf40", s64, 40 << 24 | 8,
                    "pos", cs32, 4 << 24 | 48,
                    "s64bf", s64, 64 << 24 | 64,
                    "u64bf", u64, 64 << 24 | 128);
            BtfFormatter f = new BtfFormatter(Btf.parse("syn", b.build()));
            long word = 0xfL | 0xfL << 4 | ((-5L) & 0xff_ffff_ffffL) << 8 | 7L << 48;
            byte[] v = le(24).putLong(word).putLong(-3).putLong(-1).array();
            Object out = f.format(s, v, 0);
            assertThat(out).hasToString("{sbf=-1, ubf=15, sbf40=-5, pos=7, s64bf=-3, u64bf=18446744073709551615}");
            // The largest positive values stay positive.
            long max = 0x7L | 0x7f_ffff_ffffL << 8;
            assertThat(f.format(s, le(24).putLong(max).array(), 0))
                    .hasToString("{sbf=7, ubf=0, sbf40=549755813887, pos=0, s64bf=0, u64bf=0}");
        }

        @Test
        void enumBitfieldsBySignedValueAndName() {
            BtfBuilder b = new BtfBuilder();
            int color = b.enum32("color", 4, true, "RED", -1, "GREEN", 1);
            int ucolor = b.enum32("ucolor", 4, false, "TOP", 7);
            int s = b.struct(BtfKind.STRUCT, "e", 4, true, "c", color, 2 << 24, "d", color, 2 << 24 | 2,
                    "u", ucolor, 3 << 24 | 4, "n", color, 2 << 24 | 8);
            BtfFormatter f = new BtfFormatter(Btf.parse("syn", b.build()));
            // c = 0b11 (-1: RED), d = 0b01 (GREEN), u = 0b111 (TOP), n = 0b10 (-2: no name)
            assertThat(f.format(s, le(4).putInt(0b10_0111_01_11).array(), 0)).hasToString("{c=RED, d=GREEN, u=TOP, n=-2}");
        }

        @Test
        void datasecShowsEachVariableByNameAtItsOffset() {
            BtfBuilder b = new BtfBuilder();
            int s32 = b.integer("int", 4, BtfType.INT_SIGNED, 32);
            int chr = b.integer("char", 1, BtfType.INT_SIGNED, 8);
            int label = b.array(chr, s32, 8);
            int u16 = b.integer("u16", 2, 0, 16);
            int va = b.var("counter", s32);
            int vl = b.var("label", label);
            int vp = b.var("port", u16);
            // Listed out of offset order, as clang may list them: shown in the DATASEC's order.
            int sec = b.datasec(".data", 16, vl, 4, 8, va, 0, 4, vp, 12, 2);
            BtfFormatter f = new BtfFormatter(Btf.parse("syn", b.build()));
            ByteBuffer v = le(16).putInt(-7).put("jbpf\0\0\0\0".getBytes(StandardCharsets.US_ASCII)).putShort((short) 443);
            Object out = f.format(sec, v.array(), 0);
            assertThat(out).isInstanceOf(Map.class).hasToString("{label=jbpf, counter=-7, port=443}");
        }

        @Test
        void datasecVariableBeyondTheValueIsAnError() {
            BtfBuilder b = new BtfBuilder();
            int s32 = b.integer("int", 4, BtfType.INT_SIGNED, 32);
            int va = b.var("far", s32);
            int sec = b.datasec(".bss", 8, va, 6, 4);
            BtfFormatter f = new BtfFormatter(Btf.parse("obj.o: .BTF", b.build()));
            assertThatThrownBy(() -> f.format(sec, new byte[8], 0)).isInstanceOf(BtfFormatException.class)
                    .hasMessageStartingWith("obj.o: .BTF: ");
        }

        @Test
        void typesReachingPastTheValueAreErrorsNotOutOfBoundsReads() {
            BtfBuilder b = new BtfBuilder();
            int u32 = b.integer("u32", 4, 0, 32);
            int huge = b.integer("u128", 16, 0, 128); // 16 bytes from offset 4 of 16: 4 past the end
            int s = b.struct(BtfKind.STRUCT, "s", 8, false, "a", u32, 0, "b", u32, 128);
            int arr = b.array(u32, u32, 0x40000000);
            int bits = b.struct(BtfKind.STRUCT, "bits", 4, true, "x", u32, 4 << 24 | 100);
            int wide = b.struct(BtfKind.STRUCT, "wide", 16, true, "x", u32, 100 << 24);
            BtfFormatter f = new BtfFormatter(Btf.parse("obj.o: .BTF", b.build()));
            for (int id : new int[] {huge, s, arr, bits, wide}) {
                assertThatThrownBy(() -> f.format(id, new byte[16], 4)).as("type %d", id)
                        .isInstanceOf(BtfFormatException.class).hasMessageStartingWith("obj.o: .BTF: ");
            }
            assertThatThrownBy(() -> f.format(u32, new byte[4], 5)).isInstanceOf(BtfFormatException.class);

            BtfBuilder bad = new BtfBuilder();
            bad.integer("huge", 1 << 21, 0, 8);
            assertThatThrownBy(() -> Btf.parse("obj.o: .BTF", bad.build())).as("an INT of 2 MiB, refused as the kernel does")
                    .isInstanceOf(BtfFormatException.class).hasMessageContaining("INT");
        }

        @Test
        void unionsOfUnionsOverTheSameBytesStopAtABudget() {
            BtfBuilder b = new BtfBuilder();
            int t = b.integer("u8", 1, 0, 8);
            // Each level: a union of two members of the level below, both at offset 0: 2^30 leaves.
            for (int level = 0; level < 30; level++) {
                t = b.struct(BtfKind.UNION, "u" + level, 1, false, "a", t, 0, "b", t, 0);
            }
            int top = t;
            BtfFormatter f = new BtfFormatter(Btf.parse("obj.o: .BTF", b.build()));
            assertThatThrownBy(() -> f.format(top, new byte[1], 0)).isInstanceOf(BtfFormatException.class)
                    .hasMessageContaining("more values than its bytes can hold");
        }

        @Test
        void unionMembersShareBytes() {
            BtfBuilder b = new BtfBuilder();
            int u8 = b.integer("u8", 1, 0, 8);
            int u32 = b.integer("u32", 4, 0, 32);
            int u = b.struct(BtfKind.UNION, "u", 4, false, "all", u32, 0, "low", u8, 0);
            BtfFormatter f = new BtfFormatter(Btf.parse("syn", b.build()));
            assertThat(f.format(u, le(4).putInt(0x12345678).array(), 0)).hasToString("{all=305419896, low=120}");
        }

        @Test
        void charArraysWithCharEncodingAreStrings() {
            BtfBuilder b = new BtfBuilder();
            int chr = b.integer("char", 1, BtfType.INT_CHAR, 8);
            int idx = b.integer("u32", 4, 0, 32);
            int name = b.array(chr, idx, 8);
            int cname = b.qualifier(BtfKind.CONST, name);
            BtfFormatter f = new BtfFormatter(Btf.parse("syn", b.build()));
            assertThat(f.format(name, "eth0\0xyz".getBytes(StandardCharsets.US_ASCII), 0)).isEqualTo("eth0");
            // No NUL: all 8 bytes, and nothing beyond them.
            assertThat(f.format(cname, "abcdefghIJ".getBytes(StandardCharsets.US_ASCII), 0)).isEqualTo("abcdefgh");
        }

        @Test
        void nestedStructsArraysAndTypedefs() {
            BtfBuilder b = new BtfBuilder();
            int u16 = b.integer("u16", 2, 0, 16);
            int port = b.typedef("port_t", u16);
            int ports = b.array(port, u16, 2);
            int inner = b.struct(BtfKind.STRUCT, "pair", 4, false, "ports", ports, 0);
            int outer = b.struct(BtfKind.STRUCT, "outer", 6, false, "id", u16, 0, "pair", inner, 16);
            BtfFormatter f = new BtfFormatter(Btf.parse("syn", b.build()));
            byte[] v = le(6).putShort((short) 1).putShort((short) 80).putShort((short) 443).array();
            assertThat(f.format(outer, v, 0)).hasToString("{id=1, pair={ports=[80, 443]}}");
        }

        @Test
        void typesWithoutANumberBecomeHex() {
            BtfBuilder b = new BtfBuilder();
            int fl = b.floating("float", 4);
            BtfFormatter f = new BtfFormatter(Btf.parse("syn", b.build()));
            assertThat(f.format(fl, le(4).putFloat(1.0f).array(), 0)).isEqualTo("00 00 80 3f");
            assertThat(f.format(0, new byte[4], 0)).isNull();
        }
    }

    /** Global data of corpus/fmt_datasec.o, typed by the BTF jbpf gives the kernel (offsets filled in). */
    @Test
    void globalDataMapsShowTheirVariables() {
        BpfObjectSpec spec = BpfObjectSpec.read(BpfObjects.path("corpus/fmt_datasec.o"));
        BtfFormatter f = new BtfFormatter(Btf.parse("fmt_datasec.o", spec.kernelBtf().orElseThrow()));
        MapSpec data = spec.maps().values().stream().filter(m -> m.section().equals(".data")).findFirst().orElseThrow();
        MapSpec rodata = spec.maps().values().stream().filter(m -> m.section().equals(".rodata")).findFirst().orElseThrow();
        MapSpec bss = spec.maps().values().stream().filter(m -> m.section().equals(".bss")).findFirst().orElseThrow();
        assertThat(f.format(data.btfValueTypeId(), data.data(), 0)).hasToString("{fmt_counter=-7, fmt_label=jbpf}");
        assertThat(f.format(rodata.btfValueTypeId(), rodata.data(), 0)).hasToString("{fmt_limit=-42}");
        // .bss as the program leaves it: sbf -1, ubf 15, sbf40 -5, one run.
        long bits = 0xfL | 0xfL << 4 | ((-5L) & 0xff_ffff_ffffL) << 8;
        byte[] after = le(16).putLong(bits).putLong(1).array();
        assertThat(f.format(bss.btfValueTypeId(), after, 0))
                .hasToString("{fmt_bits={sbf=-1, ubf=15, sbf40=-5}, fmt_runs=1}");
    }

    @Test
    void hex() {
        byte[] b = {3, 0, 0, 0, (byte) 0xff, 0x7f, (byte) 0x80};
        assertThat(BtfFormatter.hex(b, 0, 4)).isEqualTo("03 00 00 00");
        assertThat(BtfFormatter.hex(b, 4, 3)).isEqualTo("ff 7f 80");
        assertThat(BtfFormatter.hex(b, 2, 1)).isEqualTo("00");
        assertThat(BtfFormatter.hex(b, 0, 0)).isEmpty();
    }
}
