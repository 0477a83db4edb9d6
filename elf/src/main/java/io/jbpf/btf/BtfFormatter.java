package io.jbpf.btf;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns raw map keys and values into plain Java values by their BTF type: integers become
 * {@code Long} (or {@code BigInteger} for unsigned 64-bit values above Long.MAX_VALUE), structs
 * ordered maps, arrays lists, char arrays strings, enums their constant's name. Such trees print
 * as JSON or text. Bytes with no BTF become a hex string.
 */
public final class BtfFormatter {
    private final Btf btf;

    public BtfFormatter(Btf btf) {
        this.btf = btf;
    }

    /** {@code bytes} from {@code offset} read as type {@code typeId}. */
    public Object format(int typeId, byte[] bytes, int offset) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return value(btf.skipQualifiers(typeId), b, offset, 0);
    }

    private static final HexFormat SPACED_HEX = HexFormat.ofDelimiter(" ");

    /** {@code "03 00 00 00"}: how values without a type are shown, as bpftool does. */
    public static String hex(byte[] bytes, int offset, int length) {
        return SPACED_HEX.formatHex(bytes, offset, offset + length);
    }

    private Object value(int id, ByteBuffer b, int off, int depth) {
        if (depth > 32) {
            return "...";
        }
        id = btf.skipQualifiers(id);
        BtfType t = btf.type(id);
        if (t == null) {
            return null;
        }
        switch (t.kind()) {
            case BtfKind.INT -> {
                boolean signed = (t.intEncoding() & BtfType.INT_SIGNED) != 0;
                if ((t.intEncoding() & BtfType.INT_BOOL) != 0) {
                    return b.get(off) != 0;
                }
                return integer(b, off, t.size(), signed);
            }
            case BtfKind.PTR -> {
                return integer(b, off, 8, false);
            }
            case BtfKind.ENUM, BtfKind.ENUM64 -> {
                Object n = integer(b, off, t.size(), t.kindFlag());
                long mask = t.size() >= 8 ? -1L : (1L << (8 * t.size())) - 1;
                long raw = n instanceof Number num ? num.longValue() : 0;
                for (BtfType.Member m : t.members()) {
                    if ((m.offset() & mask) == (raw & mask)) {
                        return m.name();
                    }
                }
                return n;
            }
            case BtfKind.STRUCT, BtfKind.UNION -> {
                Map<String, Object> out = new LinkedHashMap<>();
                for (BtfType.Member m : t.members()) {
                    long bitOff = t.kindFlag() ? m.offset() & 0xffffff : m.offset();
                    int bitSize = t.kindFlag() ? (int) (m.offset() >>> 24) : 0;
                    String name = m.name().isEmpty() ? "(anon)" : m.name();
                    if (bitSize != 0 || bitOff % 8 != 0) {
                        out.put(name, bitfield(b, off, bitOff, bitSize == 0 ? 1 : bitSize));
                    } else {
                        out.put(name, value(m.type(), b, off + (int) (bitOff / 8), depth + 1));
                    }
                }
                return out;
            }
            case BtfKind.ARRAY -> {
                int elem = btf.skipQualifiers(t.array().elemType());
                BtfType e = btf.type(elem);
                int n = t.array().nelems();
                int esize = (int) btf.sizeOf(elem);
                // clang encodes plain char as a signed 1-byte int named "char", not with BTF_INT_CHAR.
                if (e != null && e.kind() == BtfKind.INT && esize == 1
                        && ((e.intEncoding() & BtfType.INT_CHAR) != 0 || e.name().equals("char"))) {
                    int len = 0;
                    while (len < n && b.get(off + len) != 0) {
                        len++;
                    }
                    byte[] s = new byte[len];
                    b.get(off, s);
                    return new String(s, java.nio.charset.StandardCharsets.UTF_8);
                }
                List<Object> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    out.add(value(elem, b, off + i * esize, depth + 1));
                }
                return out;
            }
            default -> {
                int size = (int) Math.min(btf.sizeOf(id), b.limit() - off);
                return hex(b.array(), off, size);
            }
        }
    }

    private static Object integer(ByteBuffer b, int off, int size, boolean signed) {
        return switch (size) {
            case 1 -> signed ? (long) b.get(off) : (long) Byte.toUnsignedInt(b.get(off));
            case 2 -> signed ? (long) b.getShort(off) : (long) Short.toUnsignedInt(b.getShort(off));
            case 4 -> signed ? (long) b.getInt(off) : Integer.toUnsignedLong(b.getInt(off));
            case 8 -> {
                long v = b.getLong(off);
                yield signed || v >= 0 ? (Object) v : new BigInteger(Long.toUnsignedString(v));
            }
            default -> hex(b.array(), off, size);
        };
    }

    private static long bitfield(ByteBuffer b, int off, long bitOff, int bits) {
        long v = 0;
        for (int i = 0; i < bits; i++) {
            long bit = bitOff + i;
            int byteAt = off + (int) (bit / 8);
            if (byteAt < b.limit() && (b.get(byteAt) >> (bit % 8) & 1) != 0) {
                v |= 1L << i;
            }
        }
        return v;
    }
}
