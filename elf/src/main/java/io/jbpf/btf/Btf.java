package io.jbpf.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * BPF Type Format data, from an object's {@code .BTF} section or from the kernel. Parsing checks
 * every record against the data size. Immutable; {@link #bytes()} returns a copy of the raw form,
 * {@link #withDatasecLayout} returns fixed-up copies for loading.
 *
 * <p>A kernel module's BTF ({@code /sys/kernel/btf/<module>}) is split BTF ({@link #parseSplit}):
 * it continues the kernel's, its type ids after vmlinux's last and its string offsets after
 * vmlinux's string section, and its types refer to vmlinux's types by their ids.
 */
public final class Btf {
    public static final int MAGIC = 0xeB9F;
    private static final int HEADER_MIN = 24;
    private static final int TYPE_SIZE = 12;
    /** The kernel's limit on a type's size (and an array's total size): U32_MAX. */
    public static final long MAX_TYPE_SIZE = 0xffff_ffffL;

    private final String label;
    private final byte[] data;
    /** The BTF this one continues (split BTF), or null. */
    private final Btf base;
    /** Id of this BTF's first type: 1, or the base's type count for split BTF. */
    private final int firstId;
    /** String offsets below this are the base's. */
    private final int firstStr;
    private final int typeStart;
    private final int strStart;
    private final int strLen;
    /** This BTF's own types: types.get(i) has id firstId + i. */
    private final List<BtfType> types;

    private Btf(String label, byte[] data, Btf base) {
        this.label = label;
        this.data = data;
        this.base = base;
        this.firstId = base == null ? 1 : base.typeCount();
        this.firstStr = base == null ? 0 : base.firstStr + base.strLen;
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < HEADER_MIN) {
            throw fail("truncated header (" + data.length + " bytes)");
        }
        int magic = Short.toUnsignedInt(b.getShort(0));
        if (magic != MAGIC) {
            throw fail(magic == 0x9FeB ? "big-endian BTF is not supported" : String.format("bad magic 0x%04x", magic));
        }
        if (data[2] != 1) {
            throw fail("unsupported BTF version " + data[2]);
        }
        long hdrLen = Integer.toUnsignedLong(b.getInt(4));
        long typeOff = Integer.toUnsignedLong(b.getInt(8));
        long typeLen = Integer.toUnsignedLong(b.getInt(12));
        long strOff = Integer.toUnsignedLong(b.getInt(16));
        long strLenL = Integer.toUnsignedLong(b.getInt(20));
        if (hdrLen < HEADER_MIN || hdrLen > data.length
                || hdrLen + typeOff + typeLen > data.length || hdrLen + strOff + strLenL > data.length) {
            throw fail("header describes sections outside the " + data.length + "-byte data");
        }
        this.typeStart = (int) (hdrLen + typeOff);
        this.strStart = (int) (hdrLen + strOff);
        this.strLen = (int) strLenL;
        this.types = Collections.unmodifiableList(parseTypes(b, typeStart, (int) typeLen));
    }

    /** Parses BTF; {@code label} (e.g. "obj.o: .BTF") prefixes error messages. */
    public static Btf parse(String label, byte[] data) {
        return new Btf(label, data.clone(), null);
    }

    /**
     * Parses split BTF that continues {@code base}, as a kernel module's BTF continues vmlinux's:
     * {@link #type} and {@link #string} answer for the base's ids and offsets too, {@link #types}
     * and {@link #find} see this BTF's own types only.
     */
    public static Btf parseSplit(String label, byte[] data, Btf base) {
        return new Btf(label, data.clone(), java.util.Objects.requireNonNull(base, "base"));
    }

    /** The BTF this one continues, when it is split BTF. */
    public Optional<Btf> base() {
        return Optional.ofNullable(base);
    }

    /** A copy of the raw BTF bytes. */
    public byte[] bytes() {
        return data.clone();
    }

    /** Number of type ids including void (0) and a base's, i.e. the largest id + 1. */
    public int typeCount() {
        return firstId + types.size();
    }

    /** The type with {@code id} (of the base too, for split BTF); null for 0 (void). */
    public BtfType type(int id) {
        if (id < firstId && base != null) {
            return base.type(id);
        }
        if (id == 0) {
            return null;
        }
        if (id < firstId || id >= typeCount()) {
            throw fail("type id " + id + " out of range (" + (typeCount() - 1) + " types)");
        }
        return types.get(id - firstId);
    }

    /** This BTF's own types, in id order, excluding void (and, for split BTF, the base's). */
    public List<BtfType> types() {
        return types;
    }

    /** Follows TYPEDEF, CONST, VOLATILE, RESTRICT and TYPE_TAG to the underlying type id. */
    public int skipQualifiers(int id) {
        for (int hops = 0; hops < 64; hops++) {
            BtfType t = type(id);
            if (t == null) {
                return id;
            }
            switch (t.kind()) {
                case BtfKind.TYPEDEF, BtfKind.CONST, BtfKind.VOLATILE, BtfKind.RESTRICT, BtfKind.TYPE_TAG -> id = t.type();
                default -> {
                    return id;
                }
            }
        }
        throw fail("type " + id + " is a qualifier loop");
    }

    /**
     * Size in bytes of a value of type {@code id}, as the kernel computes it: at most
     * {@link #MAX_TYPE_SIZE}, as the kernel refuses larger types (an array's element count times
     * its element size is checked for overflow, so a hostile count cannot wrap around).
     */
    public long sizeOf(int id) {
        int depth = 0;
        long mult = 1;
        while (depth++ < 64) {
            id = skipQualifiers(id);
            BtfType t = type(id);
            if (t == null) {
                throw fail("void has no size");
            }
            switch (t.kind()) {
                case BtfKind.INT, BtfKind.STRUCT, BtfKind.UNION, BtfKind.ENUM, BtfKind.ENUM64, BtfKind.FLOAT, BtfKind.DATASEC -> {
                    return checkedSize(t, mult, Integer.toUnsignedLong(t.size()));
                }
                case BtfKind.PTR -> {
                    return checkedSize(t, mult, 8);
                }
                case BtfKind.ARRAY -> {
                    mult = checkedSize(t, mult, Integer.toUnsignedLong(t.array().nelems()));
                    id = t.array().elemType();
                }
                case BtfKind.VAR -> id = t.type();
                default -> throw fail("type " + t + " has no size");
            }
        }
        throw fail("type " + id + " nests too deeply");
    }

    /** {@code count * size}, failing when it exceeds {@link #MAX_TYPE_SIZE} . */
    private long checkedSize(BtfType t, long count, long size) {
        if (size != 0 && count > MAX_TYPE_SIZE / size) {
            throw fail("type " + t + " makes a value of " + count + " x " + size + " bytes, more than the "
                    + MAX_TYPE_SIZE + " BTF allows");
        }
        return count * size;
    }

    /** The first type of {@code kind} named {@code name}. */
    public Optional<BtfType> find(int kind, String name) {
        return types().stream().filter(t -> t.kind() == kind && t.name().equals(name)).findFirst();
    }

    /** Supplies section sizes and symbol offsets from the ELF, which clang leaves out of DATASECs. */
    public interface DatasecLayout {
        /** Size of the ELF section named {@code section}, or -1 when there is none. */
        long sectionSize(String section);

        /** Offset of variable {@code var} within {@code section}, or -1 when it has no symbol. */
        long variableOffset(String section, String var);
    }

    /**
     * Copy of the BTF with every DATASEC's size and variable offsets filled in from the ELF:
     * clang writes zeros there and the kernel rejects a variable lying beyond its section's size.
     */
    public byte[] withDatasecLayout(DatasecLayout layout) {
        byte[] out = data.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        for (BtfType t : types()) {
            if (t.kind() != BtfKind.DATASEC) {
                continue;
            }
            long size = layout.sectionSize(t.name());
            if (size >= 0) {
                b.putInt(typeStart + t.offset() + 8, (int) size);
            }
            for (int i = 0; i < t.members().size(); i++) {
                BtfType var = type(t.members().get(i).type());
                long off = var == null ? -1 : layout.variableOffset(t.name(), var.name());
                if (off >= 0) {
                    b.putInt(typeStart + t.offset() + TYPE_SIZE + i * 12 + 4, (int) off);
                }
            }
            sortDatasecEntries(b, typeStart + t.offset(), t.vlen());
        }
        return out;
    }

    /**
     * Puts the {@code vlen} variable entries of the DATASEC record at {@code recordAt} in ascending
     * offset order. The kernel refuses a DATASEC whose entries go backwards ("Invalid offset"), and
     * the offsets a loader assigns (kconfig layout, symbol values) need not follow the order clang
     * wrote the variables in. The sort is stable, so variables at one offset keep their order.
     */
    static void sortDatasecEntries(ByteBuffer b, int recordAt, int vlen) {
        int first = recordAt + TYPE_SIZE;
        int[][] entries = new int[vlen][];
        for (int i = 0; i < vlen; i++) {
            int at = first + i * 12;
            entries[i] = new int[] {b.getInt(at), b.getInt(at + 4), b.getInt(at + 8)};
        }
        Arrays.sort(entries, (x, y) -> Integer.compareUnsigned(x[1], y[1]));
        for (int i = 0; i < vlen; i++) {
            int at = first + i * 12;
            b.putInt(at, entries[i][0]).putInt(at + 4, entries[i][1]).putInt(at + 8, entries[i][2]);
        }
    }

    /** The string at {@code offset} in the string section (the base's, below its end, for split BTF). */
    public String string(int offset) {
        if (offset >= 0 && offset < firstStr) {
            return base.string(offset);
        }
        if (offset < firstStr || offset - firstStr >= strLen) {
            throw fail("string offset " + offset + " outside the " + strLen + "-byte string section"
                    + (base == null ? "" : " at " + firstStr));
        }
        int start = strStart + offset - firstStr;
        int end = strStart + strLen;
        for (int i = start; i < end; i++) {
            if (data[i] == 0) {
                return new String(data, start, i - start, StandardCharsets.UTF_8);
            }
        }
        throw fail("unterminated string at offset " + offset);
    }

    private List<BtfType> parseTypes(ByteBuffer b, int start, int len) {
        List<BtfType> out = new ArrayList<>();
        int pos = 0;
        while (pos < len) {
            if (len - pos < TYPE_SIZE) {
                throw fail("truncated type record at offset " + pos);
            }
            int at = start + pos;
            int id = firstId + out.size();
            String name = string(b.getInt(at));
            int info = b.getInt(at + 4);
            int vlen = info & 0xffff;
            int kind = (info >>> 24) & 0x1f;
            boolean kflag = (info >>> 31) != 0;
            int sizeOrType = b.getInt(at + 8);
            int recordEnd = pos + TYPE_SIZE + extraSize(kind, vlen, id);
            if (recordEnd > len) {
                throw fail("type " + id + " (" + BtfKind.name(kind) + ") runs past the end of the type section");
            }
            int x = at + TYPE_SIZE;
            List<BtfType.Member> members = List.of();
            BtfType.Array array = null;
            int intEnc = 0;
            int intBits = 0;
            int extra = 0;
            switch (kind) {
                case BtfKind.INT -> {
                    int v = b.getInt(x);
                    intEnc = (v >>> 24) & 0xf;
                    intBits = v & 0xff;
                    int bitOffset = (v >>> 16) & 0xff;
                    // What the kernel accepts: 1 to 16 bytes, the bits within them.
                    if (sizeOrType != 1 && sizeOrType != 2 && sizeOrType != 4 && sizeOrType != 8 && sizeOrType != 16
                            || intBits > 128 || bitOffset + intBits > 8 * sizeOrType) {
                        throw fail("type " + id + " (INT) is " + Integer.toUnsignedString(sizeOrType) + " bytes with "
                                + intBits + " bits at bit " + bitOffset + ", which no integer is");
                    }
                }
                case BtfKind.ARRAY -> array = new BtfType.Array(b.getInt(x), b.getInt(x + 4), b.getInt(x + 8));
                case BtfKind.STRUCT, BtfKind.UNION -> {
                    BtfType.Member[] m = new BtfType.Member[vlen];
                    for (int i = 0; i < vlen; i++) {
                        int y = x + i * 12;
                        m[i] = new BtfType.Member(string(b.getInt(y)), b.getInt(y + 4), Integer.toUnsignedLong(b.getInt(y + 8)), 0);
                    }
                    members = List.of(m);
                }
                case BtfKind.ENUM -> {
                    BtfType.Member[] m = new BtfType.Member[vlen];
                    for (int i = 0; i < vlen; i++) {
                        int y = x + i * 8;
                        m[i] = new BtfType.Member(string(b.getInt(y)), 0, b.getInt(y + 4), 0);
                    }
                    members = List.of(m);
                }
                case BtfKind.ENUM64 -> {
                    BtfType.Member[] m = new BtfType.Member[vlen];
                    for (int i = 0; i < vlen; i++) {
                        int y = x + i * 12;
                        long v = Integer.toUnsignedLong(b.getInt(y + 4)) | ((long) b.getInt(y + 8) << 32);
                        m[i] = new BtfType.Member(string(b.getInt(y)), 0, v, 0);
                    }
                    members = List.of(m);
                }
                case BtfKind.FUNC_PROTO -> {
                    BtfType.Member[] m = new BtfType.Member[vlen];
                    for (int i = 0; i < vlen; i++) {
                        int y = x + i * 8;
                        m[i] = new BtfType.Member(string(b.getInt(y)), b.getInt(y + 4), 0, 0);
                    }
                    members = List.of(m);
                }
                case BtfKind.DATASEC -> {
                    BtfType.Member[] m = new BtfType.Member[vlen];
                    for (int i = 0; i < vlen; i++) {
                        int y = x + i * 12;
                        m[i] = new BtfType.Member("", b.getInt(y), Integer.toUnsignedLong(b.getInt(y + 4)), b.getInt(y + 8));
                    }
                    members = List.of(m);
                }
                case BtfKind.VAR, BtfKind.DECL_TAG -> extra = b.getInt(x);
                default -> {
                }
            }
            out.add(new BtfType(id, kind, name, vlen, kflag, sizeOrType, members, array, intEnc, intBits, extra, pos));
            pos = recordEnd;
        }
        return out;
    }

    private int extraSize(int kind, int vlen, int id) {
        return switch (kind) {
            case BtfKind.INT, BtfKind.VAR, BtfKind.DECL_TAG -> 4;
            case BtfKind.ARRAY -> 12;
            case BtfKind.STRUCT, BtfKind.UNION, BtfKind.DATASEC, BtfKind.ENUM64 -> vlen * 12;
            case BtfKind.ENUM, BtfKind.FUNC_PROTO -> vlen * 8;
            case BtfKind.PTR, BtfKind.FWD, BtfKind.TYPEDEF, BtfKind.VOLATILE, BtfKind.CONST, BtfKind.RESTRICT,
                 BtfKind.FUNC, BtfKind.FLOAT, BtfKind.TYPE_TAG -> 0;
            default -> throw fail("type " + id + " has unknown kind " + kind);
        };
    }

    /** An exception for a problem with this BTF, prefixed with its label (which names the object). */
    BtfFormatException fail(String problem) {
        return new BtfFormatException(label + ": " + problem);
    }

    @Override
    public String toString() {
        return "Btf[" + label + ", " + types.size() + " types" + (base == null ? "" : ", split from " + base.label) + "]";
    }
}
