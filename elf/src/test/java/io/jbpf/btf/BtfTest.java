package io.jbpf.btf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import io.jbpf.elf.ElfFile;
import io.jbpf.testing.BpfObjects;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class BtfTest {
    static final List<String> OBJECTS = BpfObjects.ALL;
    // struct btf_header
    static final int HDR_LEN = 4;
    static final int TYPE_OFF = 8;
    static final int TYPE_LEN = 12;
    static final int STR_OFF = 16;
    static final int STR_LEN = 20;

    /** The raw .BTF section of a clang object. */
    static byte[] objectBtf(String file) {
        ElfFile elf = ElfFile.read(BpfObjects.path(file));
        return elf.contents(elf.section(".BTF").orElseThrow());
    }

    static Btf passBtf() {
        return Btf.parse("pass: .BTF", objectBtf("xdp_pass.o"));
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    static BtfType named(Btf btf, int kind, String name) {
        return btf.find(kind, name).orElseThrow(() -> new AssertionError("no " + BtfKind.name(kind) + " " + name));
    }

    @Nested
    class ClangBtf {
        @ParameterizedTest
        @FieldSource("io.jbpf.btf.BtfTest#OBJECTS")
        void everyObjectsBtfParses(String file) {
            Btf btf = Btf.parse(file, objectBtf(file));
            assertThat(btf.typeCount()).isEqualTo(btf.types().size() + 1);
            assertThat(btf.type(0)).isNull();
            for (int id = 1; id < btf.typeCount(); id++) {
                assertThat(btf.type(id).id()).isEqualTo(id);
            }
            assertThat(btf.find(BtfKind.DATASEC, "license")).isPresent();
            assertThat(btf.find(BtfKind.VAR, "_license")).isPresent();
        }

        @Test
        void xdpPassTypesAsBpftoolDumpsThem() {
            Btf btf = passBtf();
            // bpftool btf dump file xdp_pass.o: [1] .. [24]
            assertThat(btf.typeCount()).isEqualTo(25);
            assertThat(btf.types()).hasSize(24);
            assertThat(btf.toString()).isEqualTo("Btf[pass: .BTF, 24 types]");
            assertThat(btf.types()).filteredOn(t -> t.kind() == BtfKind.DATASEC).extracting(BtfType::name)
                    .containsExactly(".maps", "license");

            BtfType datarec = named(btf, BtfKind.STRUCT, "datarec");
            assertThat(datarec.size()).isEqualTo(16);
            assertThat(datarec.vlen()).isEqualTo(2);
            assertThat(datarec.kindFlag()).isFalse();
            assertThat(datarec.members()).extracting(BtfType.Member::name, BtfType.Member::offset)
                    .containsExactly(tuple("rx_packets", 0L), tuple("rx_bytes", 64L));
            BtfType u64 = btf.type(datarec.members().get(0).type());
            assertThat(u64.kind()).isEqualTo(BtfKind.TYPEDEF);
            assertThat(u64.name()).isEqualTo("__u64");
            BtfType ull = btf.type(u64.type());
            assertThat(ull.name()).isEqualTo("unsigned long long");
            assertThat(ull.size()).isEqualTo(8);
            assertThat(ull.intBits()).isEqualTo(64);
            assertThat(ull.intEncoding()).isZero();

            BtfType signedInt = named(btf, BtfKind.INT, "int");
            assertThat(signedInt.intEncoding()).isEqualTo(BtfType.INT_SIGNED);
            assertThat(signedInt.intBits()).isEqualTo(32);
            // clang marks char SIGNED, not CHAR.
            BtfType chr = named(btf, BtfKind.INT, "char");
            assertThat(chr.intEncoding()).isEqualTo(BtfType.INT_SIGNED);
            assertThat(chr.size()).isEqualTo(1);

            BtfType func = named(btf, BtfKind.FUNC, "xdp_pass_func");
            BtfType proto = btf.type(func.type());
            assertThat(proto.kind()).isEqualTo(BtfKind.FUNC_PROTO);
            assertThat(proto.type()).isEqualTo(signedInt.id());
            assertThat(proto.members()).singleElement().satisfies(p -> {
                assertThat(p.name()).isEqualTo("ctx");
                BtfType ptr = btf.type(p.type());
                assertThat(ptr.kind()).isEqualTo(BtfKind.PTR);
                BtfType xdpMd = btf.type(ptr.type());
                assertThat(xdpMd.name()).isEqualTo("xdp_md");
                assertThat(xdpMd.size()).isEqualTo(24);
                assertThat(xdpMd.members()).extracting(BtfType.Member::name).containsExactly(
                        "data", "data_end", "data_meta", "ingress_ifindex", "rx_queue_index", "egress_ifindex");
            });

            BtfType var = named(btf, BtfKind.VAR, "xdp_stats_map");
            assertThat(var.extra()).as("linkage global").isEqualTo(1);
            BtfType def = btf.type(var.type());
            assertThat(def.kind()).isEqualTo(BtfKind.STRUCT);
            assertThat(def.name()).isEmpty();
            assertThat(def.members()).extracting(BtfType.Member::name).containsExactly("type", "key", "value", "max_entries");
            // __uint(max_entries, 5) is int (*max_entries)[5]
            BtfType maxEntries = btf.type(btf.type(def.members().get(3).type()).type());
            assertThat(maxEntries.kind()).isEqualTo(BtfKind.ARRAY);
            assertThat(maxEntries.array().nelems()).isEqualTo(5);
            assertThat(maxEntries.array().elemType()).isEqualTo(signedInt.id());
            assertThat(btf.type(maxEntries.array().indexType()).name()).isEqualTo("__ARRAY_SIZE_TYPE__");
            BtfType type = btf.type(btf.type(def.members().get(0).type()).type());
            assertThat(type.array().nelems()).isEqualTo(6); // BPF_MAP_TYPE_PERCPU_ARRAY

            BtfType maps = named(btf, BtfKind.DATASEC, ".maps");
            assertThat(maps.members()).singleElement().satisfies(v -> {
                assertThat(v.type()).isEqualTo(var.id());
                assertThat(v.size()).isEqualTo(32);
            });
        }

        @Test
        void sizeOf() {
            Btf btf = passBtf();
            BtfType datarec = named(btf, BtfKind.STRUCT, "datarec");
            assertThat(btf.sizeOf(datarec.id())).isEqualTo(16);
            assertThat(btf.sizeOf(named(btf, BtfKind.TYPEDEF, "__u64").id())).isEqualTo(8);
            assertThat(btf.sizeOf(named(btf, BtfKind.TYPEDEF, "__u32").id())).isEqualTo(4);
            assertThat(btf.sizeOf(named(btf, BtfKind.STRUCT, "xdp_md").id())).isEqualTo(24);
            // A VAR has the size of its type: the 4-pointer map definition.
            assertThat(btf.sizeOf(named(btf, BtfKind.VAR, "xdp_stats_map").id())).isEqualTo(32);
            assertThat(btf.sizeOf(named(btf, BtfKind.VAR, "_license").id())).isEqualTo(4);
            BtfType def = btf.type(named(btf, BtfKind.VAR, "xdp_stats_map").type());
            int ptr = def.members().get(0).type();
            assertThat(btf.sizeOf(ptr)).isEqualTo(8);
            // int[6]
            assertThat(btf.sizeOf(btf.type(ptr).type())).isEqualTo(24);

            assertThatThrownBy(() -> btf.sizeOf(0)).isInstanceOf(BtfFormatException.class)
                    .hasMessage("pass: .BTF: void has no size");
            int func = named(btf, BtfKind.FUNC, "xdp_pass_func").id();
            assertThatThrownBy(() -> btf.sizeOf(func)).isInstanceOf(BtfFormatException.class)
                    .hasMessage("pass: .BTF: type [" + func + "] FUNC 'xdp_pass_func' has no size");
        }

        @Test
        void skipQualifiers() {
            Btf btf = passBtf();
            BtfType u32 = named(btf, BtfKind.TYPEDEF, "__u32");
            BtfType uint = named(btf, BtfKind.INT, "unsigned int");
            assertThat(btf.skipQualifiers(u32.id())).isEqualTo(uint.id());
            assertThat(btf.skipQualifiers(uint.id())).isEqualTo(uint.id());
            int datarec = named(btf, BtfKind.STRUCT, "datarec").id();
            assertThat(btf.skipQualifiers(datarec)).isEqualTo(datarec);
            assertThat(btf.skipQualifiers(0)).isZero();
            // PTR is not a qualifier.
            int ptr = btf.type(named(btf, BtfKind.FUNC_PROTO, "").members().get(0).type()).id();
            assertThat(btf.skipQualifiers(ptr)).isEqualTo(ptr);
        }

        @Test
        void lookupsOutsideTheData() {
            Btf btf = passBtf();
            assertThatThrownBy(() -> btf.type(25)).isInstanceOf(BtfFormatException.class)
                    .hasMessage("pass: .BTF: type id 25 out of range (24 types)");
            assertThatThrownBy(() -> btf.type(-1)).isInstanceOf(BtfFormatException.class)
                    .hasMessageContaining("type id -1 out of range");
            assertThat(btf.string(0)).isEmpty();
            int strLen = le(btf.bytes()).getInt(STR_LEN);
            assertThatThrownBy(() -> btf.string(strLen)).isInstanceOf(BtfFormatException.class)
                    .hasMessage("pass: .BTF: string offset " + strLen + " outside the " + strLen + "-byte string section");
            assertThat(btf.find(BtfKind.STRUCT, "nope")).isEmpty();
            assertThat(btf.find(BtfKind.UNION, "datarec")).isEmpty();
        }

        @Test
        void bytesAreCopies() {
            byte[] raw = objectBtf("xdp_pass.o");
            Btf btf = Btf.parse("pass", raw);
            byte[] keep = raw.clone();
            Arrays.fill(raw, (byte) 0);
            assertThat(btf.bytes()).isEqualTo(keep);
            byte[] out = btf.bytes();
            out[0] = 0;
            assertThat(btf.bytes()).isEqualTo(keep);
        }
    }

    @Nested
    class Synthetic {
        @Test
        void qualifierChainsAndLoops() {
            BtfBuilder b = new BtfBuilder();
            int u8 = b.integer("u8", 1, 0, 8);
            int td = b.typedef("byte_t", u8);
            int cst = b.qualifier(BtfKind.CONST, td);
            int vol = b.qualifier(BtfKind.VOLATILE, cst);
            int rst = b.qualifier(BtfKind.RESTRICT, vol);
            int tag = b.header("tag", BtfKind.TYPE_TAG, 0, false, rst);
            int alias = b.typedef("alias", 8); // a forward reference, to the array below
            int arr = b.array(tag, u8, 3);
            Btf btf = Btf.parse("syn", b.build());

            assertThat(arr).isEqualTo(8);
            assertThat(btf.skipQualifiers(tag)).isEqualTo(u8);
            assertThat(btf.skipQualifiers(cst)).isEqualTo(u8);
            assertThat(btf.sizeOf(tag)).isEqualTo(1);
            assertThat(btf.sizeOf(arr)).isEqualTo(3);
            assertThat(btf.skipQualifiers(alias)).isEqualTo(arr);
            assertThat(btf.sizeOf(alias)).isEqualTo(3);

            BtfBuilder c = new BtfBuilder();
            int first = c.typedef("a", 2);
            c.qualifier(BtfKind.CONST, first);
            Btf looped = Btf.parse("loop", c.build());
            assertThatThrownBy(() -> looped.skipQualifiers(first)).isInstanceOf(BtfFormatException.class)
                    .hasMessageStartingWith("loop: type ").hasMessageEndingWith("is a qualifier loop");
            assertThatThrownBy(() -> looped.sizeOf(first)).isInstanceOf(BtfFormatException.class);
        }

        @Test
        void sizeOfNestedArraysMultiplies() {
            BtfBuilder b = new BtfBuilder();
            int u32 = b.integer("u32", 4, 0, 32);
            int inner = b.array(u32, u32, 3);
            int outer = b.array(inner, u32, 5);
            int en = b.enum32("e", 4, false, "A", 1);
            int en64 = b.enum64("e64", false, "B", 1L);
            int fl = b.floating("double", 8);
            int ds = b.datasec(".data", 40);
            Btf btf = Btf.parse("syn", b.build());
            assertThat(btf.sizeOf(outer)).isEqualTo(60);
            assertThat(btf.sizeOf(en)).isEqualTo(4);
            assertThat(btf.sizeOf(en64)).isEqualTo(8);
            assertThat(btf.sizeOf(fl)).isEqualTo(8);
            assertThat(btf.sizeOf(ds)).isEqualTo(40);
        }

        /** A kernel module's BTF: ids and string offsets continue the base's, types refer to the base's. */
        @Test
        void splitBtfContinuesItsBase() {
            BtfBuilder b = new BtfBuilder();
            int u32 = b.integer("u32", 4, 0, 32);
            int baseStruct = b.struct(BtfKind.STRUCT, "file", 8, false, "f_count", u32, 0, "f_flags", u32, 32);
            Btf base = Btf.parse("vmlinux", b.build());

            BtfBuilder m = new BtfBuilder(b);
            int ptr = m.ptr(baseStruct);
            // "f_count" is the base's string, reused by its offset; "veth_priv" and "peer" are the module's.
            int modStruct = m.struct(BtfKind.STRUCT, "veth_priv", 16, false, "peer", ptr, 0, "f_count", u32, 64);
            int td = m.typedef("veth_priv_t", modStruct);
            Btf module = Btf.parseSplit("veth", m.build(), base);

            assertThat(ptr).isEqualTo(base.typeCount());
            assertThat(module.base()).contains(base);
            assertThat(module.typeCount()).isEqualTo(td + 1);
            assertThat(module.types()).extracting(BtfType::id).containsExactly(ptr, modStruct, td);
            assertThat(module.type(u32).name()).as("a base type by its id").isEqualTo("u32");
            assertThat(module.type(0)).isNull();
            assertThat(module.type(modStruct).members()).extracting(BtfType.Member::name).containsExactly("peer", "f_count");
            assertThat(module.type(module.type(ptr).type()).name()).isEqualTo("file");
            assertThat(module.sizeOf(td)).isEqualTo(16);
            assertThat(module.skipQualifiers(td)).isEqualTo(modStruct);
            assertThat(module.find(BtfKind.STRUCT, "veth_priv")).map(BtfType::id).contains(modStruct);
            assertThat(module.find(BtfKind.STRUCT, "file")).as("find sees the module's own types").isEmpty();
            assertThat(module.toString()).isEqualTo("Btf[veth, 3 types, split from vmlinux]");
            assertThatThrownBy(() -> module.type(td + 1)).isInstanceOf(BtfFormatException.class)
                    .hasMessage("veth: type id " + (td + 1) + " out of range (" + td + " types)");
            assertThatThrownBy(() -> Btf.parse("alone", m.build())).as("without its base the offsets are outside")
                    .isInstanceOf(BtfFormatException.class).hasMessageContaining("string offset");
        }

        @Test
        void enumValues() {
            BtfBuilder b = new BtfBuilder();
            int e = b.enum32("color", 4, true, "RED", 0, "NEG", -5);
            int e64 = b.enum64("big", false, "HUGE", 0xfedcba9876543210L);
            Btf btf = Btf.parse("syn", b.build());
            assertThat(btf.type(e).members()).extracting(BtfType.Member::name, BtfType.Member::offset)
                    .containsExactly(tuple("RED", 0L), tuple("NEG", -5L));
            assertThat(btf.type(e).kindFlag()).isTrue();
            assertThat(btf.type(e64).members().get(0).offset()).isEqualTo(0xfedcba9876543210L);
        }

        @Test
        void withDatasecLayoutFillsSizeAndOffsets() {
            BtfBuilder b = new BtfBuilder();
            int u64 = b.integer("u64", 8, 0, 64);
            int a = b.var("a", u64);
            int c = b.var("c", u64);
            int ds = b.datasec(".data", 0, a, 0, 8, c, 0, 8);
            int other = b.datasec(".bss", 0, a, 0, 8);
            Btf btf = Btf.parse("syn", b.build());

            byte[] fixed = btf.withDatasecLayout(new Btf.DatasecLayout() {
                @Override
                public long sectionSize(String section) {
                    return section.equals(".data") ? 24 : -1;
                }

                @Override
                public long variableOffset(String section, String var) {
                    return section.equals(".data") && var.equals("c") ? 16 : -1;
                }
            });
            Btf f = Btf.parse("fixed", fixed);
            assertThat(f.type(ds).size()).isEqualTo(24);
            assertThat(f.type(ds).members()).extracting(BtfType.Member::offset).containsExactly(0L, 16L);
            // -1: left as it was.
            assertThat(f.type(other)).isEqualTo(btf.type(other));
            assertThat(btf.type(ds).size()).as("original untouched").isZero();
        }
    }

    @Nested
    class Malformed {
        @Test
        void badMagic() {
            byte[] b = objectBtf("xdp_pass.o");
            le(b).putShort(0, (short) 0x1234);
            assertThatThrownBy(() -> Btf.parse("obj.o: .BTF", b)).isInstanceOf(BtfFormatException.class)
                    .hasMessage("obj.o: .BTF: bad magic 0x1234");
        }

        @Test
        void bigEndianBtf() {
            byte[] b = objectBtf("xdp_pass.o");
            b[0] = (byte) 0xeb;
            b[1] = (byte) 0x9f;
            assertThatThrownBy(() -> Btf.parse("obj.o: .BTF", b)).isInstanceOf(BtfFormatException.class)
                    .hasMessage("obj.o: .BTF: big-endian BTF is not supported");
        }

        @Test
        void unsupportedVersion() {
            byte[] b = objectBtf("xdp_pass.o");
            b[2] = 2;
            assertThatThrownBy(() -> Btf.parse("obj.o: .BTF", b)).isInstanceOf(BtfFormatException.class)
                    .hasMessage("obj.o: .BTF: unsupported BTF version 2");
        }

        @Test
        void truncatedHeader() {
            byte[] b = Arrays.copyOf(objectBtf("xdp_pass.o"), 10);
            assertThatThrownBy(() -> Btf.parse("obj.o: .BTF", b)).isInstanceOf(BtfFormatException.class)
                    .hasMessage("obj.o: .BTF: truncated header (10 bytes)");
            assertThatThrownBy(() -> Btf.parse("obj.o: .BTF", new byte[0])).isInstanceOf(BtfFormatException.class)
                    .hasMessage("obj.o: .BTF: truncated header (0 bytes)");
        }

        @Test
        void headerDescribesSectionsOutsideTheData() {
            byte[] orig = objectBtf("xdp_pass.o");
            String expected = "obj.o: .BTF: header describes sections outside the " + orig.length + "-byte data";
            for (int[] patch : new int[][] {
                {TYPE_LEN, le(orig).getInt(TYPE_LEN) + 1 + orig.length},
                {STR_LEN, le(orig).getInt(STR_LEN) + 1},
                {STR_LEN, -1}, // 4 GiB, unsigned
                {STR_OFF, -8},
                {HDR_LEN, 8},
                {HDR_LEN, orig.length + 1},
            }) {
                byte[] b = orig.clone();
                le(b).putInt(patch[0], patch[1]);
                assertThatThrownBy(() -> Btf.parse("obj.o: .BTF", b)).as("header field %d = %d", patch[0], patch[1])
                        .isInstanceOf(BtfFormatException.class).hasMessage(expected);
            }
        }

        @Test
        void typeRecordRunsPastTheEnd() {
            Btf good = passBtf();
            BtfType last = good.types().get(good.types().size() - 1);
            assertThat(last.kind()).isEqualTo(BtfKind.DATASEC); // 12 + 12 bytes
            byte[] b = objectBtf("xdp_pass.o");
            ByteBuffer h = le(b);
            h.putInt(TYPE_LEN, h.getInt(TYPE_LEN) - 4);
            assertThatThrownBy(() -> Btf.parse("obj.o: .BTF", b)).isInstanceOf(BtfFormatException.class)
                    .hasMessage("obj.o: .BTF: type " + last.id() + " (DATASEC) runs past the end of the type section");
        }

        @Test
        void truncatedTypeRecord() {
            Btf good = passBtf();
            BtfType last = good.types().get(good.types().size() - 1);
            byte[] b = objectBtf("xdp_pass.o");
            ByteBuffer h = le(b);
            // Leave 8 bytes of the last record: less than its 12-byte header.
            h.putInt(TYPE_LEN, last.offset() + 8);
            assertThatThrownBy(() -> Btf.parse("obj.o: .BTF", b)).isInstanceOf(BtfFormatException.class)
                    .hasMessage("obj.o: .BTF: truncated type record at offset " + last.offset());
        }

        @Test
        void typeNameOutsideTheStringSection() {
            Btf good = passBtf();
            BtfType datarec = named(good, BtfKind.STRUCT, "datarec");
            byte[] b = objectBtf("xdp_pass.o");
            ByteBuffer h = le(b);
            int strLen = h.getInt(STR_LEN);
            h.putInt(h.getInt(HDR_LEN) + h.getInt(TYPE_OFF) + datarec.offset(), strLen + 5);
            assertThatThrownBy(() -> Btf.parse("obj.o: .BTF", b)).isInstanceOf(BtfFormatException.class)
                    .hasMessage("obj.o: .BTF: string offset " + (strLen + 5) + " outside the " + strLen
                            + "-byte string section");
        }

        @Test
        void memberNameOutsideTheStringSection() {
            Btf good = passBtf();
            BtfType datarec = named(good, BtfKind.STRUCT, "datarec");
            byte[] b = objectBtf("xdp_pass.o");
            ByteBuffer h = le(b);
            // First member's name_off, just after the 12-byte header.
            h.putInt(h.getInt(HDR_LEN) + h.getInt(TYPE_OFF) + datarec.offset() + 12, -1);
            assertThatThrownBy(() -> Btf.parse("obj.o: .BTF", b)).isInstanceOf(BtfFormatException.class)
                    .hasMessageStartingWith("obj.o: .BTF: string offset -1 outside the");
        }

        @Test
        void unterminatedString() {
            BtfBuilder builder = new BtfBuilder();
            builder.integer("abc", 4, 0, 32);
            byte[] b = builder.build();
            b[b.length - 1] = 'x';
            assertThatThrownBy(() -> Btf.parse("syn", b)).isInstanceOf(BtfFormatException.class)
                    .hasMessage("syn: unterminated string at offset 1");
        }

        @Test
        void unknownKind() {
            BtfBuilder builder = new BtfBuilder();
            builder.integer("int", 4, 1, 32);
            builder.header("odd", 25, 0, false, 0);
            assertThatThrownBy(() -> Btf.parse("syn", builder.build())).isInstanceOf(BtfFormatException.class)
                    .hasMessage("syn: type 2 has unknown kind 25");
            BtfBuilder zero = new BtfBuilder();
            zero.header("", BtfKind.UNKN, 0, false, 0);
            assertThatThrownBy(() -> Btf.parse("syn", zero.build())).isInstanceOf(BtfFormatException.class)
                    .hasMessage("syn: type 1 has unknown kind 0");
        }

        @Test
        void hugeVlenRunsPastTheEnd() {
            BtfBuilder builder = new BtfBuilder();
            builder.header("s", BtfKind.STRUCT, 0xffff, false, 4);
            assertThatThrownBy(() -> Btf.parse("syn", builder.build())).isInstanceOf(BtfFormatException.class)
                    .hasMessage("syn: type 1 (STRUCT) runs past the end of the type section");
        }

        @Test
        void everyTruncationIsABtfFormatException() {
            byte[] full = objectBtf("xdp_icmp_echo.o");
            for (int len = 0; len < full.length; len++) {
                byte[] prefix = Arrays.copyOf(full, len);
                Throwable t = catchThrowable(() -> Btf.parse("icmp: .BTF", prefix));
                assertThat(t).as("prefix of %d bytes", len).isInstanceOf(BtfFormatException.class)
                        .hasMessageStartingWith("icmp: .BTF: ");
            }
        }
    }
}
