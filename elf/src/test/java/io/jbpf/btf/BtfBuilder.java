package io.jbpf.btf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Writes small BTF blobs by hand, for types clang's output for bpf-src does not contain. */
final class BtfBuilder {
    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> stringOffsets = new HashMap<>();
    private int nextId = 1;
    /** Offset of this blob's first string: 0, or the base's string section size for split BTF. */
    private final int firstStr;

    BtfBuilder() {
        strings.write(0);
        stringOffsets.put("", 0);
        firstStr = 0;
    }

    /**
     * Split BTF continuing a base blob written by {@code base}, as a kernel module's BTF continues
     * vmlinux's: ids after the base's last, string offsets after its string section, and the base's
     * strings reused by their offsets there (the empty name among them).
     */
    BtfBuilder(BtfBuilder base) {
        nextId = base.nextId;
        firstStr = base.strings.size();
        stringOffsets.putAll(base.stringOffsets);
    }

    int str(String s) {
        return stringOffsets.computeIfAbsent(s, k -> {
            int off = firstStr + strings.size();
            strings.writeBytes(k.getBytes(StandardCharsets.UTF_8));
            strings.write(0);
            return off;
        });
    }

    private void u32(int v) {
        types.write(v);
        types.write(v >>> 8);
        types.write(v >>> 16);
        types.write(v >>> 24);
    }

    /** The common 12-byte header of a type record; returns the new type's id. */
    int header(String name, int kind, int vlen, boolean kflag, int sizeOrType) {
        u32(str(name));
        u32((kflag ? 1 << 31 : 0) | (kind & 0x1f) << 24 | (vlen & 0xffff));
        u32(sizeOrType);
        return nextId++;
    }

    int integer(String name, int size, int encoding, int bits) {
        int id = header(name, BtfKind.INT, 0, false, size);
        u32(encoding << 24 | bits);
        return id;
    }

    int ptr(int type) {
        return header("", BtfKind.PTR, 0, false, type);
    }

    int typedef(String name, int type) {
        return header(name, BtfKind.TYPEDEF, 0, false, type);
    }

    int qualifier(int kind, int type) {
        return header("", kind, 0, false, type);
    }

    int array(int elem, int index, int n) {
        int id = header("", BtfKind.ARRAY, 0, false, 0);
        u32(elem);
        u32(index);
        u32(n);
        return id;
    }

    /** {@code members} are (name, type id, bit offset or bitfield_size << 24 | bit offset) triples. */
    int struct(int kind, String name, int size, boolean kflag, Object... members) {
        int id = header(name, kind, members.length / 3, kflag, size);
        for (int i = 0; i < members.length; i += 3) {
            u32(str((String) members[i]));
            u32((Integer) members[i + 1]);
            u32((Integer) members[i + 2]);
        }
        return id;
    }

    /** {@code values} are (name, value) pairs. */
    int enum32(String name, int size, boolean signed, Object... values) {
        int id = header(name, BtfKind.ENUM, values.length / 2, signed, size);
        for (int i = 0; i < values.length; i += 2) {
            u32(str((String) values[i]));
            u32((Integer) values[i + 1]);
        }
        return id;
    }

    int enum64(String name, boolean signed, Object... values) {
        int id = header(name, BtfKind.ENUM64, values.length / 2, signed, 8);
        for (int i = 0; i < values.length; i += 2) {
            long v = (Long) values[i + 1];
            u32(str((String) values[i]));
            u32((int) v);
            u32((int) (v >>> 32));
        }
        return id;
    }

    int floating(String name, int size) {
        return header(name, BtfKind.FLOAT, 0, false, size);
    }

    int var(String name, int type) {
        int id = header(name, BtfKind.VAR, 0, false, type);
        u32(1);
        return id;
    }

    /** {@code vars} are (var type id, offset, size) triples. */
    int datasec(String name, int size, int... vars) {
        int id = header(name, BtfKind.DATASEC, vars.length / 3, false, size);
        for (int v : vars) {
            u32(v);
        }
        return id;
    }

    byte[] build() {
        byte[] t = types.toByteArray();
        byte[] s = strings.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(24 + t.length + s.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) Btf.MAGIC).put((byte) 1).put((byte) 0);
        b.putInt(24).putInt(0).putInt(t.length).putInt(t.length).putInt(s.length);
        b.put(t).put(s);
        return b.array();
    }
}
