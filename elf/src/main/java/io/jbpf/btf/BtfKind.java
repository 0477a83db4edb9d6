package io.jbpf.btf;

/** BTF_KIND_* values from {@code linux/btf.h}. */
public final class BtfKind {
    public static final int UNKN = 0;
    public static final int INT = 1;
    public static final int PTR = 2;
    public static final int ARRAY = 3;
    public static final int STRUCT = 4;
    public static final int UNION = 5;
    public static final int ENUM = 6;
    public static final int FWD = 7;
    public static final int TYPEDEF = 8;
    public static final int VOLATILE = 9;
    public static final int CONST = 10;
    public static final int RESTRICT = 11;
    public static final int FUNC = 12;
    public static final int FUNC_PROTO = 13;
    public static final int VAR = 14;
    public static final int DATASEC = 15;
    public static final int FLOAT = 16;
    public static final int DECL_TAG = 17;
    public static final int TYPE_TAG = 18;
    public static final int ENUM64 = 19;

    private static final String[] NAMES = {
        "UNKN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD", "TYPEDEF", "VOLATILE", "CONST",
        "RESTRICT", "FUNC", "FUNC_PROTO", "VAR", "DATASEC", "FLOAT", "DECL_TAG", "TYPE_TAG", "ENUM64"
    };

    private BtfKind() {
    }

    public static String name(int kind) {
        return kind >= 0 && kind < NAMES.length ? NAMES[kind] : "KIND_" + kind;
    }
}
