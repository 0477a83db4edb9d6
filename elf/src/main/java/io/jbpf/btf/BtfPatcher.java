package io.jbpf.btf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Edits a copy of raw BTF the way a loader must before BPF_BTF_LOAD: fields of existing type
 * records changed in place, new types and strings appended (existing ids and string offsets stay
 * valid). Not thread-safe; one use, then {@link #build()}.
 */
public final class BtfPatcher {
    private static final int TYPE_SIZE = 12;
    private final Btf btf;
    private final byte[] header;
    private final ByteBuffer types;
    private final byte[] strings;
    private final ByteArrayOutputStream newTypes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream newStrings = new ByteArrayOutputStream();
    private int nextId;

    /** Starts from {@code raw} (BTF bytes, possibly already fixed up), described by {@code btf}. */
    public BtfPatcher(Btf btf, byte[] raw) {
        this.btf = btf;
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int hdrLen = b.getInt(4);
        int typeOff = hdrLen + b.getInt(8);
        int typeLen = b.getInt(12);
        int strOff = hdrLen + b.getInt(16);
        int strLen = b.getInt(20);
        this.header = java.util.Arrays.copyOf(raw, hdrLen);
        this.types = ByteBuffer.wrap(java.util.Arrays.copyOfRange(raw, typeOff, typeOff + typeLen)).order(ByteOrder.LITTLE_ENDIAN);
        this.strings = java.util.Arrays.copyOfRange(raw, strOff, strOff + strLen);
        this.nextId = btf.typeCount();
    }

    /** Sets the linkage of a VAR (in its extra word) or a FUNC (in its vlen bits). */
    public void setLinkage(int id, int linkage) {
        BtfType t = btf.type(id);
        if (t.kind() == BtfKind.VAR) {
            types.putInt(t.offset() + TYPE_SIZE, linkage);
        } else if (t.kind() == BtfKind.FUNC) {
            int info = types.getInt(t.offset() + 4);
            types.putInt(t.offset() + 4, (info & ~0xffff) | linkage);
        } else {
            throw btf.fail("type " + t + " has no linkage");
        }
    }

    /** Sets the size-or-type word of type {@code id} (a VAR's type, a DATASEC's size). */
    public void setSizeOrType(int id, int value) {
        types.putInt(btf.type(id).offset() + 8, value);
    }

    /** Rewrites entry {@code index} of DATASEC {@code id}. */
    public void setDatasecEntry(int id, int index, int type, int offset, int size) {
        int at = btf.type(id).offset() + TYPE_SIZE + index * 12;
        types.putInt(at, type).putInt(at + 4, offset).putInt(at + 8, size);
    }

    /** Names parameter {@code index} of FUNC_PROTO {@code id} (the kernel wants named parameters). */
    public void setParamName(int id, int index, int nameOffset) {
        types.putInt(btf.type(id).offset() + TYPE_SIZE + index * 8, nameOffset);
    }

    /** Appends a string; returns its offset. */
    public int addString(String s) {
        int off = strings.length + newStrings.size();
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        newStrings.write(b, 0, b.length);
        newStrings.write(0);
        return off;
    }

    /** Appends a 4-byte signed INT named "int"; returns its id. */
    public int addInt() {
        int name = addString("int");
        return addType(name, (BtfKind.INT << 24), 4, new int[] {(BtfType.INT_SIGNED << 24) | 32});
    }

    /** Appends a VAR; returns its id. */
    public int addVar(String name, int type, int linkage) {
        return addType(addString(name), BtfKind.VAR << 24, type, new int[] {linkage});
    }

    private int addType(int nameOff, int info, int sizeOrType, int[] extra) {
        ByteBuffer b = ByteBuffer.allocate(TYPE_SIZE + extra.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(nameOff).putInt(info).putInt(sizeOrType);
        for (int e : extra) {
            b.putInt(e);
        }
        newTypes.write(b.array(), 0, b.capacity());
        return nextId++;
    }

    /**
     * The edited BTF: header, types (old then new), strings (old then new). Every DATASEC's
     * variables are put in ascending offset order, as the kernel requires, whatever order the
     * entries were rewritten in.
     */
    public byte[] build() {
        for (BtfType t : btf.types()) {
            if (t.kind() == BtfKind.DATASEC) {
                Btf.sortDatasecEntries(types, t.offset(), t.vlen());
            }
        }
        int typeLen = types.capacity() + newTypes.size();
        int strLen = strings.length + newStrings.size();
        ByteBuffer out = ByteBuffer.allocate(header.length + typeLen + strLen).order(ByteOrder.LITTLE_ENDIAN);
        out.put(header);
        out.putInt(8, 0).putInt(12, typeLen).putInt(16, typeLen).putInt(20, strLen);
        out.position(header.length);
        out.put(types.array()).put(newTypes.toByteArray()).put(strings).put(newStrings.toByteArray());
        return out.array();
    }
}
