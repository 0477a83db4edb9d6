package io.jbpf;

import io.jbpf.common.BpfException;
import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfKind;
import io.jbpf.btf.BtfType;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Java record (or a boxed scalar) as a BPF map key or value, laid out by the map's BTF: each
 * record component is matched to the struct member at the same position, which must have the
 * same name (the component {@code rxPackets} matches the member {@code rx_packets} or
 * {@code rxPackets}) and the same size. A mismatch is refused when the codec is made, naming the
 * field, so a record that compiles against a changed BPF program fails at start-up rather than
 * reading the wrong bytes.
 *
 * <p>A global-data map ({@code .data}, {@code .bss}, {@code .rodata}) reads as a record of its
 * variables in the order of their offsets: {@code record Bss(long packets, int lastLen)}.
 *
 * <p>Component types: {@code long}, {@code int}, {@code short}, {@code byte}, {@code boolean},
 * {@code char}, {@code float}, {@code double} for integers, enums and floats of that size;
 * a nested record for a nested struct; {@code byte[]}, {@code short[]}, {@code int[]},
 * {@code long[]} for arrays of integers of that size (of exactly the array's length).
 * Integers keep their bits: a {@code __u64} above 2^63 reads as a negative {@code long}
 * ({@link Long#toUnsignedString}). Bitfields and unions are refused.
 *
 * <p>Reading allocates the record. Polling loops that must not allocate read single fields
 * from a {@link MapCursor}'s buffer at {@link #offset(String)}.
 *
 * @param <T> the record (or boxed scalar) type
 */
public final class RecordCodec<T> implements MapCodec<T> {
    private final Class<T> type;
    private final int size;
    private final Node root;
    private final Map<String, Integer> offsets;

    private RecordCodec(Class<T> type, int size, Node root, Map<String, Integer> offsets) {
        this.type = type;
        this.size = size;
        this.root = root;
        this.offsets = offsets;
    }

    /**
     * A codec for {@code javaType} over BTF type {@code typeId} of {@code btf}.
     *
     * @param what what the bytes are, for messages: {@code "value of map xdp_stats_map"}
     * @throws BpfException when the record does not match the BTF type, naming the field
     */
    public static <T> RecordCodec<T> of(Class<T> javaType, Btf btf, int typeId, String what) {
        Map<String, Integer> offsets = new LinkedHashMap<>();
        Node root = new Matcher(btf, what, offsets).node(javaType, typeId, javaType.getSimpleName(), "", 0);
        return new RecordCodec<>(javaType, (int) btf.sizeOf(typeId), root, Map.copyOf(offsets));
    }

    /** The Java type this codec reads and writes. */
    public Class<T> type() {
        return type;
    }

    @Override
    public int size() {
        return size;
    }

    /**
     * Byte offset of a scalar component within the encoded value: {@code "rxBytes"}, or
     * {@code "inner.count"} for a component of a nested record.
     *
     * @throws IllegalArgumentException for a name that is not a scalar component
     */
    public int offset(String component) {
        Integer off = offsets.get(component);
        if (off == null) {
            throw new IllegalArgumentException(type.getSimpleName() + " has no scalar component '" + component
                    + "' (it has " + offsets.keySet() + ")");
        }
        return off;
    }

    @Override
    public void write(T value, ByteBuffer dst, int offset) {
        root.write(value, dst, offset);
    }

    @Override
    public T read(ByteBuffer src, int offset) {
        return type.cast(root.read(src, offset));
    }

    /** How one Java value sits in the bytes. */
    private interface Node {
        void write(Object value, ByteBuffer b, int off);

        Object read(ByteBuffer b, int off);
    }

    /** A primitive (or its box) of {@code size} bytes at the node's offset. */
    private record Scalar(Class<?> prim) implements Node {
        @Override
        public void write(Object v, ByteBuffer b, int off) {
            if (prim == long.class) {
                b.putLong(off, (Long) v);
            } else if (prim == int.class) {
                b.putInt(off, (Integer) v);
            } else if (prim == short.class) {
                b.putShort(off, (Short) v);
            } else if (prim == byte.class) {
                b.put(off, (Byte) v);
            } else if (prim == boolean.class) {
                b.put(off, (byte) ((Boolean) v ? 1 : 0));
            } else if (prim == char.class) {
                b.put(off, (byte) (char) (Character) v);
            } else if (prim == float.class) {
                b.putFloat(off, (Float) v);
            } else {
                b.putDouble(off, (Double) v);
            }
        }

        @Override
        public Object read(ByteBuffer b, int off) {
            if (prim == long.class) {
                return b.getLong(off);
            } else if (prim == int.class) {
                return b.getInt(off);
            } else if (prim == short.class) {
                return b.getShort(off);
            } else if (prim == byte.class) {
                return b.get(off);
            } else if (prim == boolean.class) {
                return b.get(off) != 0;
            } else if (prim == char.class) {
                return (char) (b.get(off) & 0xff);
            } else if (prim == float.class) {
                return b.getFloat(off);
            }
            return b.getDouble(off);
        }
    }

    /** An array of {@code n} integers of {@code elemSize} bytes as a Java primitive array. */
    private record IntArray(Class<?> arrayType, int n, int elemSize, String field) implements Node {
        @Override
        public void write(Object v, ByteBuffer b, int off) {
            int len = java.lang.reflect.Array.getLength(v);
            if (len != n) {
                throw new IllegalArgumentException(field + " has " + len + " elements where the map's type has " + n);
            }
            for (int i = 0; i < n; i++) {
                int at = off + i * elemSize;
                switch (elemSize) {
                    case 1 -> b.put(at, ((byte[]) v)[i]);
                    case 2 -> b.putShort(at, ((short[]) v)[i]);
                    case 4 -> b.putInt(at, ((int[]) v)[i]);
                    default -> b.putLong(at, ((long[]) v)[i]);
                }
            }
        }

        @Override
        public Object read(ByteBuffer b, int off) {
            switch (elemSize) {
                case 1 -> {
                    byte[] a = new byte[n];
                    b.get(off, a);
                    return a;
                }
                case 2 -> {
                    short[] a = new short[n];
                    for (int i = 0; i < n; i++) {
                        a[i] = b.getShort(off + 2 * i);
                    }
                    return a;
                }
                case 4 -> {
                    int[] a = new int[n];
                    for (int i = 0; i < n; i++) {
                        a[i] = b.getInt(off + 4 * i);
                    }
                    return a;
                }
                default -> {
                    long[] a = new long[n];
                    for (int i = 0; i < n; i++) {
                        a[i] = b.getLong(off + 8 * i);
                    }
                    return a;
                }
            }
        }
    }

    /** A record: each component a node at its byte offset from the record's start. */
    private record RecordNode(MethodHandle constructor, MethodHandle[] accessors, Node[] children, int[] offsets)
            implements Node {
        @Override
        public void write(Object v, ByteBuffer b, int off) {
            for (int i = 0; i < children.length; i++) {
                Object c;
                try {
                    c = accessors[i].invoke(v);
                } catch (Throwable t) {
                    throw new IllegalStateException("reading a record component failed", t);
                }
                children[i].write(c, b, off + offsets[i]);
            }
        }

        @Override
        public Object read(ByteBuffer b, int off) {
            Object[] args = new Object[children.length];
            for (int i = 0; i < children.length; i++) {
                args[i] = children[i].read(b, off + offsets[i]);
            }
            try {
                return constructor.invokeWithArguments(args);
            } catch (Throwable t) {
                throw new IllegalStateException("the record's constructor failed", t);
            }
        }
    }

    /** Builds the node tree, checking the Java type against the BTF type at each step. */
    private record Matcher(Btf btf, String what, Map<String, Integer> offsets) {
        Node node(Class<?> java, int typeId, String field, String path, int base) {
            int id = btf.skipQualifiers(typeId);
            BtfType t = btf.type(id);
            if (t == null) {
                throw mismatch(field, "has no type in the map's BTF (void)");
            }
            if (java.isRecord()) {
                if (t.kind() != BtfKind.STRUCT && t.kind() != BtfKind.DATASEC) {
                    throw mismatch(field, "is the record " + java.getSimpleName() + " but the map's type is " + describe(t));
                }
                return record(java, t, path, base);
            }
            if (java.isArray()) {
                return array(java, t, field, path, base);
            }
            Class<?> prim = primitive(java);
            if (prim == null) {
                throw mismatch(field, "has Java type " + java.getSimpleName()
                        + ", which jbpf cannot lay out (use a primitive, a record or a primitive array)");
            }
            int want = switch (t.kind()) {
                case BtfKind.INT, BtfKind.ENUM, BtfKind.ENUM64, BtfKind.FLOAT -> t.size();
                case BtfKind.PTR -> 8;
                default -> -1;
            };
            if (want < 0) {
                throw mismatch(field, "is " + java.getSimpleName() + " but the map's type is " + describe(t));
            }
            int have = sizeOf(prim);
            boolean floatMatches = (prim == float.class || prim == double.class) == (t.kind() == BtfKind.FLOAT);
            if (have != want || !floatMatches) {
                throw mismatch(field, "is " + prim.getSimpleName() + " (" + have + " B) but the map's type is "
                        + describe(t) + " (" + want + " B)");
            }
            offsets.put(path.isEmpty() ? "" : path, base);
            return new Scalar(prim);
        }

        /** One member of a struct, or one variable of a DATASEC (global data), as records see it. */
        private record Field(String name, int type, long bitOffset, boolean bitfield) {
        }

        private List<Field> fields(BtfType t) {
            List<Field> out = new ArrayList<>();
            for (BtfType.Member m : t.members()) {
                if (t.kind() == BtfKind.DATASEC) {
                    // A variable: its name and type are the VAR's, its offset is in bytes.
                    BtfType var = btf.type(m.type());
                    if (var == null || var.kind() != BtfKind.VAR) {
                        throw new BpfException(what + ": " + describe(t) + " has an entry that is not a variable");
                    }
                    out.add(new Field(var.name(), var.type(), m.offset() * 8, false));
                } else {
                    long bitOffset = t.kindFlag() ? m.offset() & 0xffffff : m.offset();
                    boolean bitfield = t.kindFlag() && (m.offset() >>> 24) != 0 || bitOffset % 8 != 0
                            || isPartialInt(m.type());
                    out.add(new Field(m.name(), m.type(), bitOffset, bitfield));
                }
            }
            return out;
        }

        /** An INT narrower than its size (a bitfield in a struct without kind_flag). */
        private boolean isPartialInt(int typeId) {
            BtfType t = btf.type(btf.skipQualifiers(typeId));
            return t != null && t.kind() == BtfKind.INT && t.intBits() != 8L * t.size();
        }

        private Node record(Class<?> java, BtfType struct, String path, int base) {
            RecordComponent[] comps = java.getRecordComponents();
            List<Field> members = fields(struct);
            String structName = describe(struct);
            if (comps.length != members.size()) {
                throw new BpfException(what + ": record " + java.getSimpleName() + " has " + comps.length
                        + " components but " + structName + " has " + members.size() + " members " + names(members));
            }
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MethodHandle[] accessors = new MethodHandle[comps.length];
            Node[] children = new Node[comps.length];
            int[] offs = new int[comps.length];
            Class<?>[] types = new Class<?>[comps.length];
            for (int i = 0; i < comps.length; i++) {
                RecordComponent c = comps[i];
                Field m = members.get(i);
                String field = java.getSimpleName() + "." + c.getName();
                if (!sameName(c.getName(), m.name())) {
                    throw new BpfException(what + ": component " + i + " of record " + java.getSimpleName() + " is '"
                            + c.getName() + "' but member " + i + " of " + structName + " is '" + m.name()
                            + "' (components follow the struct's members in order, by name)");
                }
                if (m.bitfield()) {
                    throw mismatch(field, "is the bitfield " + m.name() + ", which records cannot hold");
                }
                offs[i] = (int) (m.bitOffset() / 8);
                String sub = path.isEmpty() ? c.getName() : path + "." + c.getName();
                children[i] = node(c.getType(), m.type(), field, sub, base + offs[i]);
                types[i] = c.getType();
                try {
                    accessors[i] = lookup.unreflect(accessible(c.getAccessor()));
                } catch (IllegalAccessException e) {
                    throw inaccessible(java, e);
                }
            }
            try {
                MethodHandle ctor = lookup.unreflectConstructor(accessible(java.getDeclaredConstructor(types)));
                return new RecordNode(ctor, accessors, children, offs);
            } catch (ReflectiveOperationException e) {
                throw inaccessible(java, e);
            }
        }

        private Node array(Class<?> java, BtfType t, String field, String path, int base) {
            if (t.kind() != BtfKind.ARRAY) {
                throw mismatch(field, "is " + java.getSimpleName() + " but the map's type is " + describe(t));
            }
            BtfType elem = btf.type(btf.skipQualifiers(t.array().elemType()));
            Class<?> comp = java.getComponentType();
            int esize = comp == byte.class ? 1 : comp == short.class ? 2 : comp == int.class ? 4 : comp == long.class ? 8 : -1;
            boolean integral = elem != null && (elem.kind() == BtfKind.INT || elem.kind() == BtfKind.ENUM);
            if (esize < 0 || !integral || elem.size() != esize) {
                throw mismatch(field, "is " + java.getSimpleName() + " but the map's type is an array of "
                        + (elem == null ? "void" : describe(elem)) + " (records hold arrays of 1-, 2-, 4- and 8-byte "
                        + "integers as byte[], short[], int[] and long[])");
            }
            offsets.put(path, base);
            return new IntArray(java, t.array().nelems(), esize, field);
        }

        private BpfException mismatch(String field, String why) {
            return new BpfException(what + ": " + field + " " + why);
        }

        private BpfException inaccessible(Class<?> java, Exception e) {
            return new BpfException(what + ": jbpf cannot construct or read record " + java.getName() + ": "
                    + howToOpen(java) + " (" + e.getMessage() + ")");
        }

        private String describe(BtfType t) {
            String kind = BtfKind.name(t.kind()).toLowerCase(Locale.ROOT);
            return t.name().isEmpty() ? "an anonymous " + kind : kind + " " + t.name();
        }

        private static String names(List<Field> members) {
            List<String> out = new ArrayList<>();
            for (Field m : members) {
                out.add(m.name());
            }
            return out.toString();
        }
    }

    private static <E extends java.lang.reflect.AccessibleObject> E accessible(E e) {
        try {
            e.setAccessible(true);
        } catch (RuntimeException inaccessibleObject) {
            // Refused only for a record in a named module that does not open its package to jbpf
            // and is not public in an exported package; unreflect then fails and howToOpen says
            // what the module must declare.
        }
        return e;
    }

    /**
     * What lets jbpf construct and read records of {@code record}, as the one line its module
     * should declare. A record of the class path (the unnamed module) is always accessible, so
     * this is about named modules: their packages are closed to reflection unless opened, and
     * records are often not public (a local record in {@code main}, as in the README example).
     */
    static String howToOpen(Class<?> record) {
        Module owner = record.getModule();
        Module jbpf = RecordCodec.class.getModule();
        // A qualified opens can name only a named module: on the class path jbpf is unnamed.
        String to = jbpf.isNamed() ? " to " + jbpf.getName() : "";
        if (owner.isNamed()) {
            return "add 'opens " + record.getPackageName() + to + ";' to the module-info.java of module "
                    + owner.getName();
        }
        return "make it public, and the classes it is nested in";
    }

    /** {@code rxPackets} matches {@code rx_packets} and {@code rxPackets}. */
    static boolean sameName(String component, String member) {
        return component.equals(member) || snake(component).equals(member);
    }

    private static String snake(String camel) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                s.append('_').append(Character.toLowerCase(c));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }

    private static Class<?> primitive(Class<?> c) {
        if (c.isPrimitive()) {
            return c == void.class ? null : c;
        }
        return c == Long.class ? long.class : c == Integer.class ? int.class : c == Short.class ? short.class
                : c == Byte.class ? byte.class : c == Boolean.class ? boolean.class : c == Character.class ? char.class
                : c == Float.class ? float.class : c == Double.class ? double.class : null;
    }

    private static int sizeOf(Class<?> prim) {
        return prim == long.class || prim == double.class ? 8 : prim == int.class || prim == float.class ? 4
                : prim == short.class ? 2 : 1;
    }
}
