package io.jbpf.btf;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.jbpf.common.BpfException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * BTF written to make the formatter do far more work than the value's bytes justify, or read
 * past them: each must end quickly in a {@link BpfException}. (Found by a review's fuzzing.)
 */
class HostileBtfTest {
    /** Raw BTF: types as written, strings interned. */
    private static final class Raw {
        final ByteArrayOutputStream types = new ByteArrayOutputStream();
        final ByteArrayOutputStream strings = new ByteArrayOutputStream();
        int nextId = 1;

        Raw() {
            strings.write(0);
        }

        int str(String s) {
            int off = strings.size();
            strings.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            strings.write(0);
            return off;
        }

        void u32(int v) {
            types.write(v);
            types.write(v >>> 8);
            types.write(v >>> 16);
            types.write(v >>> 24);
        }

        /** A type record: name, kind, vlen, kind_flag, size or type, then {@code extra} words. */
        int type(String name, int kind, int vlen, boolean kindFlag, int sizeOrType, int... extra) {
            u32(str(name));
            u32((kindFlag ? 1 << 31 : 0) | kind << 24 | vlen);
            u32(sizeOrType);
            for (int e : extra) {
                u32(e);
            }
            return nextId++;
        }

        Btf parse() {
            byte[] t = types.toByteArray();
            byte[] s = strings.toByteArray();
            ByteBuffer b = ByteBuffer.allocate(24 + t.length + s.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort((short) Btf.MAGIC).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(t.length)
                    .putInt(t.length).putInt(s.length).put(t).put(s);
            return Btf.parse("hostile.btf", b.array());
        }
    }

    @Test
    void anIntegerOfNoBytesIsRefusedAsTheKernelRefusesIt() {
        Raw r = new Raw();
        r.type("_Bool", BtfKind.INT, 0, false, 0, BtfType.INT_BOOL << 24);
        assertThatThrownBy(r::parse).isInstanceOf(BtfFormatException.class).hasMessageContaining("hostile.btf")
                .hasMessageContaining("INT");
    }

    /** A struct of 65,535 bitfields that contains itself twice: tens of billions of bitfields for 8 bytes. */
    @Test
    void bitfieldsCountAgainstTheBudget() {
        Raw r = new Raw();
        int u64 = r.type("u64", BtfKind.INT, 0, false, 8, 64);
        int n = 65535;
        int self = r.nextId;
        r.u32(r.str("S"));
        r.u32(1 << 31 | BtfKind.STRUCT << 24 | n);
        r.u32(8);
        r.u32(r.str("x"));
        r.u32(self);
        r.u32(0);
        r.u32(r.str("y"));
        r.u32(self);
        r.u32(0);
        int f = r.str("f");
        for (int i = 2; i < n; i++) {
            r.u32(f);
            r.u32(u64);
            r.u32(64 << 24);
        }
        r.nextId++;
        Btf btf = r.parse();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                assertThatThrownBy(() -> new BtfFormatter(btf).format(self, new byte[8], 0))
                        .isInstanceOf(BpfException.class).hasMessageContaining("expands"));
    }

    /** Thirty levels of structs holding two copies of a 64 KiB char array: 2^30 strings of 64 KiB. */
    @Test
    void stringsCountAgainstTheBudget() {
        Raw r = new Raw();
        int ch = r.type("char", BtfKind.INT, 0, false, 1, BtfType.INT_SIGNED << 24 | 8);
        int u32 = r.type("u32", BtfKind.INT, 0, false, 4, 32);
        int len = 65536;
        int prev = r.type("", BtfKind.ARRAY, 0, false, 0, ch, u32, len);
        for (int d = 0; d < 30; d++) {
            prev = r.type("T" + d, BtfKind.STRUCT, 2, false, len, r.str("l"), prev, 0, r.str("r"), prev, 0);
        }
        Btf btf = r.parse();
        byte[] value = new byte[len];
        Arrays.fill(value, (byte) 'A');
        int top = prev;
        assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                assertThatThrownBy(() -> new BtfFormatter(btf).format(top, value, 0))
                        .isInstanceOf(BpfException.class).hasMessageContaining("expands"));
    }
}
