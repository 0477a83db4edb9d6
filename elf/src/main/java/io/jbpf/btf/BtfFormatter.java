package io.jbpf.btf;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns raw map keys and values into plain Java values by their BTF type: integers become
 * {@code Long} (or {@code BigInteger} for unsigned 64-bit values above Long.MAX_VALUE), structs
 * ordered maps, arrays lists, char arrays strings, enums their constant's name, and a DATASEC
 * (the value of a {@code .data}, {@code .bss} or {@code .rodata} map) an ordered map of its
 * variables by name. Such trees print as JSON or text. Bytes with no BTF become a hex string.
 *
 * <p>The BTF may come from a damaged file: a type that reaches past the bytes given, or that
 * would take more than a few nodes per byte to show (unions of unions of the same bytes), gives
 * a {@link BtfFormatException} instead of an out-of-bounds read or an endless walk.
 */
public final class BtfFormatter {
    /** Nodes a value may expand to beyond one per byte: headroom for empty structs and unions. */
    private static final int NODE_ALLOWANCE = 4096;
    /** Widest bitfield BTF describes in a 64-bit value. */
    private static final int MAX_BITFIELD = 64;

    private final Btf btf;
    /** Nodes left for the value being formatted (formatting is single-threaded per call). */
    private long budget;

    public BtfFormatter(Btf btf) {
        this.btf = btf;
    }

    /** {@code bytes} from {@code offset} read as type {@code typeId}. */
    public synchronized Object format(int typeId, byte[] bytes, int offset) {
        if (offset < 0 || offset > bytes.length) {
            throw btf.fail("offset " + offset + " is outside the " + bytes.length + "-byte value");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        budget = 8L * bytes.length + NODE_ALLOWANCE;
        return value(btf.skipQualifiers(typeId), b, offset, 0);
    }

    private void spend(long units, Object what) {
        budget -= units;
        if (budget < 0) {
            throw btf.fail("type " + what + " expands to more values than its bytes can hold (nested unions?)");
        }
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
        spend(1, id);
        id = btf.skipQualifiers(id);
        BtfType t = btf.type(id);
        if (t == null) {
            return null;
        }
        switch (t.kind()) {
            case BtfKind.INT -> {
                need(t, b, off, Integer.toUnsignedLong(t.size()));
                boolean signed = (t.intEncoding() & BtfType.INT_SIGNED) != 0;
                if ((t.intEncoding() & BtfType.INT_BOOL) != 0) {
                    return b.get(off) != 0;
                }
                return integer(b, off, t.size(), signed);
            }
            case BtfKind.PTR -> {
                need(t, b, off, 8);
                return integer(b, off, 8, false);
            }
            case BtfKind.ENUM, BtfKind.ENUM64 -> {
                need(t, b, off, Integer.toUnsignedLong(t.size()));
                Object n = integer(b, off, t.size(), t.kindFlag());
                long raw = n instanceof Number num ? num.longValue() : 0;
                return enumName(t, raw, t.size() >= 8 || t.size() <= 0 ? 64 : 8 * t.size(), n);
            }
            case BtfKind.STRUCT, BtfKind.UNION -> {
                Map<String, Object> out = new LinkedHashMap<>();
                for (BtfType.Member m : t.members()) {
                    long bitOff = t.kindFlag() ? m.offset() & 0xffffff : m.offset();
                    int bitSize = t.kindFlag() ? (int) (m.offset() >>> 24) : 0;
                    String name = m.name().isEmpty() ? "(anon)" : m.name();
                    if (bitSize != 0 || bitOff % 8 != 0) {
                        spend(1, t); // a bitfield is a value too: thousands of them must not come free
                        out.put(name, bitfield(t, m, b, off, bitOff, bitSize == 0 ? 1 : bitSize));
                    } else {
                        out.put(name, value(m.type(), b, memberOffset(t, b, off, bitOff / 8), depth + 1));
                    }
                }
                return out;
            }
            case BtfKind.DATASEC -> {
                // The section's variables by name, each at its offset: how bpftool shows global data.
                Map<String, Object> out = new LinkedHashMap<>();
                for (BtfType.Member v : t.members()) {
                    BtfType var = btf.type(v.type());
                    if (var == null || var.kind() != BtfKind.VAR) {
                        throw btf.fail("DATASEC " + t + " lists type " + v.type() + ", which is not a variable");
                    }
                    int at = memberOffset(t, b, off, v.offset());
                    need(var, b, at, Integer.toUnsignedLong(v.size()));
                    out.put(var.name(), value(var.type(), b, at, depth + 1));
                }
                return out;
            }
            case BtfKind.ARRAY -> {
                int elem = btf.skipQualifiers(t.array().elemType());
                BtfType e = btf.type(elem);
                long n = Integer.toUnsignedLong(t.array().nelems());
                long esize = btf.sizeOf(elem);
                need(t, b, off, btf.sizeOf(id)); // n * esize, checked for overflow
                if (esize == 0) {
                    return List.of(); // elements of no bytes show nothing, however many are claimed
                }
                // clang encodes plain char as a signed 1-byte int named "char", not with BTF_INT_CHAR.
                if (e != null && e.kind() == BtfKind.INT && esize == 1
                        && ((e.intEncoding() & BtfType.INT_CHAR) != 0 || e.name().equals("char"))) {
                    int len = 0;
                    while (len < n && b.get(off + len) != 0) {
                        len++;
                    }
                    spend(len / 8, t); // a string's bytes count against the budget like values do
                    byte[] s = new byte[len];
                    b.get(off, s);
                    return new String(s, StandardCharsets.UTF_8);
                }
                List<Object> out = new ArrayList<>((int) n);
                for (int i = 0; i < n; i++) {
                    out.add(value(elem, b, off + (int) (i * esize), depth + 1));
                }
                return out;
            }
            default -> {
                int size = (int) Math.min(btf.sizeOf(id), b.limit() - off);
                return hex(b.array(), off, size);
            }
        }
    }

    /** Fails unless {@code size} bytes from {@code off} lie inside the value. */
    private void need(BtfType t, ByteBuffer b, int off, long size) {
        if (size < 0 || size > b.limit() - off) {
            throw btf.fail("type " + t + " needs " + size + " bytes at offset " + off + " of a " + b.limit()
                    + "-byte value");
        }
    }

    /** {@code base + delta}, where a member or variable lies, if that is inside the value. */
    private int memberOffset(BtfType t, ByteBuffer b, int base, long delta) {
        if (delta < 0 || delta > b.limit() - base) {
            throw btf.fail("member of " + t + " at byte " + delta + " lies outside the " + b.limit() + "-byte value");
        }
        return base + (int) delta;
    }

    /** The enumerator whose value equals the low {@code bits} bits of {@code raw}, else {@code fallback}. */
    private static Object enumName(BtfType t, long raw, int bits, Object fallback) {
        long mask = bits >= 64 ? -1L : (1L << bits) - 1;
        for (BtfType.Member m : t.members()) {
            if ((m.offset() & mask) == (raw & mask)) {
                return m.name();
            }
        }
        return fallback;
    }

    private static Object integer(ByteBuffer b, int off, int size, boolean signed) {
        return switch (size) {
            case 1 -> signed ? (long) b.get(off) : (long) Byte.toUnsignedInt(b.get(off));
            case 2 -> signed ? (long) b.getShort(off) : (long) Short.toUnsignedInt(b.getShort(off));
            case 4 -> signed ? (long) b.getInt(off) : Integer.toUnsignedLong(b.getInt(off));
            case 8 -> unsignedIfNeeded(b.getLong(off), signed);
            default -> hex(b.array(), off, size);
        };
    }

    private static Object unsignedIfNeeded(long v, boolean signed) {
        return signed || v >= 0 ? (Object) v : new BigInteger(Long.toUnsignedString(v));
    }

    /**
     * A bitfield member, sign-extended when its type is a signed integer or a signed enum (as C
     * reads {@code int x:4} holding all ones as -1), and shown by enumerator name for enums.
     */
    private Object bitfield(BtfType struct, BtfType.Member m, ByteBuffer b, int off, long bitOff, int bits) {
        if (bits > MAX_BITFIELD) {
            throw btf.fail("bitfield '" + m.name() + "' of " + struct + " is " + bits + " bits wide");
        }
        long v = 0;
        for (int i = 0; i < bits; i++) {
            long bit = bitOff + i;
            long byteAt = off + bit / 8;
            if (byteAt >= b.limit()) {
                throw btf.fail("bitfield '" + m.name() + "' of " + struct + " at bit " + bitOff
                        + " lies outside the " + b.limit() + "-byte value");
            }
            if ((b.get((int) byteAt) >> (bit % 8) & 1) != 0) {
                v |= 1L << i;
            }
        }
        BtfType type = btf.type(btf.skipQualifiers(m.type()));
        boolean isEnum = type != null && (type.kind() == BtfKind.ENUM || type.kind() == BtfKind.ENUM64);
        boolean signed = type != null && (type.kind() == BtfKind.INT && (type.intEncoding() & BtfType.INT_SIGNED) != 0
                || isEnum && type.kindFlag());
        if (signed && bits < 64 && (v >>> (bits - 1) & 1) != 0) {
            v |= -1L << bits;
        }
        Object n = unsignedIfNeeded(v, signed);
        return isEnum ? enumName(type, v, bits, n) : n;
    }
}
