package io.jbpf.btf;

import java.util.List;

/**
 * One BTF type record. {@code sizeOrType} is the size for INT/STRUCT/UNION/ENUM/DATASEC/FLOAT and
 * the referenced type id for PTR/TYPEDEF/CONST/VOLATILE/RESTRICT/FUNC/VAR/TYPE_TAG/DECL_TAG.
 *
 * @param id       type id (1-based; 0 is void)
 * @param kind     a {@link BtfKind} value
 * @param name     name, empty for anonymous types
 * @param vlen     number of members/params/values/variables
 * @param kindFlag the kind_flag bit (bitfield encoding for structs, signedness for enums)
 * @param members  members of STRUCT/UNION, values of ENUM/ENUM64, params of FUNC_PROTO, variables of DATASEC
 * @param array    element type, index type and element count for ARRAY; null otherwise
 * @param intBits  bit width for INT (0 otherwise); {@code intEncoding} holds BTF_INT_SIGNED/CHAR/BOOL
 * @param extra    VAR linkage or DECL_TAG component index
 * @param offset   byte offset of this record within the BTF type section (for fix-ups)
 */
public record BtfType(int id, int kind, String name, int vlen, boolean kindFlag, int sizeOrType,
                      List<Member> members, Array array, int intEncoding, int intBits, int extra, int offset) {

    public static final int INT_SIGNED = 1;
    public static final int INT_CHAR = 2;
    public static final int INT_BOOL = 4;

    /**
     * A struct/union member (type id, bit offset), enum value (value in {@code offset}), function
     * parameter (type id), or DATASEC variable (type id, byte offset, size).
     */
    public record Member(String name, int type, long offset, int size) {
    }

    public record Array(int elemType, int indexType, int nelems) {
    }

    public int size() {
        return sizeOrType;
    }

    public int type() {
        return sizeOrType;
    }

    @Override
    public String toString() {
        return "[" + id + "] " + BtfKind.name(kind) + " '" + name + "'";
    }
}
