package io.jbpf.cli;

import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfKind;
import io.jbpf.btf.BtfType;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes value trees (what {@link Json#parse} and {@code field=value} words give) into the bytes
 * of a BTF type: the inverse of {@link io.jbpf.btf.BtfFormatter}. Integers take numbers (or
 * {@code true}/{@code false} for bools), enums a constant's name or a number, structs and unions
 * an object by member name (members not given stay zero), arrays a list (char arrays a string;
 * 6-byte arrays also a MAC address {@code aa:bb:cc:dd:ee:ff}),
 * and a DATASEC an object by variable name. Anything else is an error naming the path.
 */
final class BtfValues {
    private static final int MAC_BYTES = 6;
    private static final Pattern MAC = Pattern.compile("\\p{XDigit}{2}(:\\p{XDigit}{2}){5}");
    private final Btf btf;

    BtfValues(Btf btf) {
        this.btf = btf;
    }

    /** {@code value} as type {@code typeId}: a new array of the type's size. */
    byte[] encode(int typeId, Object value) {
        long size = btf.sizeOf(typeId);
        if (size <= 0 || size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("type " + btf.type(btf.skipQualifiers(typeId)) + " has no size to fill");
        }
        byte[] out = new byte[(int) size];
        write(typeId, value, out, 0, "");
        return out;
    }

    /**
     * {@code field=value} words as a tree: {@code a.b=3 name="x"} is {@code {a: {b: 3}, name: "x"}}.
     * Each value is read as JSON when it is, else taken as a string ({@code comm=bash}).
     */
    static Map<String, Object> assignments(List<String> words) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (String w : words) {
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + w + "' is not FIELD=VALUE");
            }
            String[] path = w.substring(0, eq).split("\\.");
            String text = w.substring(eq + 1);
            Object v;
            try {
                v = Json.parse(text);
            } catch (IllegalArgumentException e) {
                v = text;
            }
            Map<String, Object> at = root;
            for (int i = 0; i < path.length - 1; i++) {
                Object next = at.computeIfAbsent(path[i], k -> new LinkedHashMap<String, Object>());
                if (!(next instanceof Map)) {
                    throw new IllegalArgumentException("'" + w + "': " + path[i] + " was given a value already");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) next;
                at = m;
            }
            at.put(path[path.length - 1], v);
        }
        return root;
    }

    private void write(int id, Object v, byte[] out, int off, String path) {
        id = btf.skipQualifiers(id);
        BtfType t = btf.type(id);
        String where = path.isEmpty() ? "the value" : path;
        if (t == null) {
            throw new IllegalArgumentException(where + ": type " + id + " is not in the map's BTF");
        }
        switch (t.kind()) {
            case BtfKind.INT -> {
                if ((t.intEncoding() & BtfType.INT_BOOL) != 0 && v instanceof Boolean b) {
                    out[off] = (byte) (b ? 1 : 0);
                    return;
                }
                integer(v, t.size(), (t.intEncoding() & BtfType.INT_SIGNED) != 0, out, off, where);
            }
            case BtfKind.PTR -> integer(v, 8, false, out, off, where);
            case BtfKind.ENUM, BtfKind.ENUM64 -> {
                Object n = v;
                if (v instanceof String s) {
                    n = t.members().stream().filter(m -> m.name().equals(s)).findFirst().map(m -> (Object) m.offset())
                            .orElseThrow(() -> new IllegalArgumentException(where + ": '" + s + "' is not a constant of "
                                    + t + " (" + String.join(", ", t.members().stream().map(BtfType.Member::name).toList())
                                    + ")"));
                }
                integer(n, t.size(), t.kindFlag(), out, off, where);
            }
            case BtfKind.STRUCT, BtfKind.UNION -> {
                Map<?, ?> m = object(v, t, where);
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    String name = String.valueOf(e.getKey());
                    BtfType.Member member = t.members().stream().filter(x -> x.name().equals(name)).findFirst()
                            .orElseThrow(() -> new IllegalArgumentException(where + ": " + t + " has no member '" + name
                                    + "' (members: " + String.join(", ", t.members().stream().map(BtfType.Member::name)
                                    .toList()) + ")"));
                    long bitOff = t.kindFlag() ? member.offset() & 0xffffff : member.offset();
                    int bits = t.kindFlag() ? (int) (member.offset() >>> 24) : 0;
                    String sub = path.isEmpty() ? name : path + "." + name;
                    if (bits != 0 || bitOff % 8 != 0) {
                        bitfield(e.getValue(), out, off, bitOff, bits == 0 ? 1 : bits, sub);
                    } else {
                        write(member.type(), e.getValue(), out, off + (int) (bitOff / 8), sub);
                    }
                }
            }
            case BtfKind.DATASEC -> {
                Map<?, ?> m = object(v, t, where);
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    String name = String.valueOf(e.getKey());
                    BtfType.Member var = t.members().stream()
                            .filter(x -> btf.type(x.type()) != null && btf.type(x.type()).name().equals(name)).findFirst()
                            .orElseThrow(() -> new IllegalArgumentException(where + ": section " + t.name()
                                    + " has no variable '" + name + "'"));
                    write(btf.type(var.type()).type(), e.getValue(), out, off + (int) var.offset(),
                            path.isEmpty() ? name : path + "." + name);
                }
            }
            case BtfKind.ARRAY -> {
                int elem = btf.skipQualifiers(t.array().elemType());
                BtfType e = btf.type(elem);
                int n = t.array().nelems();
                int esize = (int) btf.sizeOf(elem);
                if (v instanceof String s && esize == 1 && n == MAC_BYTES && MAC.matcher(s).matches()) {
                    // a 6-byte array given as aa:bb:cc:dd:ee:ff is a MAC address (as ip link prints it), not
                    // its 17 characters, which would not fit anyway
                    for (int i = 0; i < MAC_BYTES; i++) {
                        out[off + i] = (byte) Integer.parseInt(s.substring(3 * i, 3 * i + 2), 16);
                    }
                    return;
                }
                if (v instanceof String s && esize == 1) {
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    if (b.length > n) {
                        throw new IllegalArgumentException(where + ": \"" + s + "\" is " + b.length + " bytes, the array holds "
                                + n);
                    }
                    System.arraycopy(b, 0, out, off, b.length);
                    return;
                }
                if (!(v instanceof List<?> l)) {
                    throw new IllegalArgumentException(where + ": " + t + " takes a list of " + n + " elements"
                            + (e != null && esize == 1 ? " or a string" : "") + ", not " + Json.write(v));
                }
                if (l.size() > n) {
                    throw new IllegalArgumentException(where + ": " + l.size() + " elements given, the array holds " + n);
                }
                for (int i = 0; i < l.size(); i++) {
                    write(elem, l.get(i), out, off + i * esize, where + "[" + i + "]");
                }
            }
            default -> throw new IllegalArgumentException(where + ": cannot fill a " + t + " from " + Json.write(v)
                    + "; give the bytes as hex instead");
        }
    }

    private static Map<?, ?> object(Object v, BtfType t, String where) {
        if (v instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalArgumentException(where + ": " + t + " takes an object of its members ({\"name\": value, ...}"
                + " or name=value words), not " + Json.write(v));
    }

    private static BigInteger number(Object v, String where) {
        if (v instanceof Long || v instanceof Integer) {
            return BigInteger.valueOf(((Number) v).longValue());
        }
        if (v instanceof BigInteger b) {
            return b;
        }
        if (v instanceof Boolean b) {
            return b ? BigInteger.ONE : BigInteger.ZERO;
        }
        throw new IllegalArgumentException(where + ": expected an integer, not " + Json.write(v));
    }

    private static void integer(Object v, int size, boolean signed, byte[] out, int off, String where) {
        BigInteger n = number(v, where);
        int bits = 8 * size;
        BigInteger min = signed ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
        BigInteger max = signed ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)
                : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
            throw new IllegalArgumentException(where + ": " + n + " does not fit " + (signed ? "a signed" : "an unsigned") + " "
                    + bits + "-bit integer (" + min + " to " + max + ")");
        }
        long x = n.longValue();
        for (int i = 0; i < size; i++) {
            out[off + i] = (byte) (x >>> (8 * i)); // little-endian, as BPF maps on x86-64 and arm64
        }
    }

    private static void bitfield(Object v, byte[] out, int off, long bitOff, int bits, String where) {
        long x = number(v, where).longValue();
        for (int i = 0; i < bits; i++) {
            long bit = bitOff + i;
            int at = off + (int) (bit / 8);
            int mask = 1 << (bit % 8);
            out[at] = (byte) ((x >>> i & 1) != 0 ? out[at] | mask : out[at] & ~mask);
        }
    }
}
