package io.jbpf.elf;

/**
 * One ELF64 symbol table entry.
 *
 * @param index        position in the symbol table (what relocations refer to)
 * @param name         name from the linked string table; empty for section symbols
 * @param info         {@code st_info}: binding in the high nibble, type in the low one
 * @param sectionIndex {@code st_shndx}: the section the symbol is defined in, or a special index
 * @param value        offset within that section
 * @param size         size in bytes (a function's length for programs)
 */
public record ElfSymbol(int index, String name, int info, int other, int sectionIndex, long value, long size) {
    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;

    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;

    public static final int SHN_UNDEF = 0;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;

    public int binding() {
        return info >>> 4;
    }

    public int type() {
        return info & 0xf;
    }
}
