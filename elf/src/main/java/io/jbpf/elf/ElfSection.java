package io.jbpf.elf;

/**
 * One section header of an ELF64 file, as read; {@link ElfFile#contents(ElfSection)} gives its bytes.
 *
 * @param index   position in the section header table
 * @param name    name from the section header string table
 * @param type    {@code sh_type} (SHT_*)
 * @param flags   {@code sh_flags} (SHF_*)
 * @param offset  file offset of the contents
 * @param size    size of the contents in bytes
 * @param link    {@code sh_link} (string table of a symbol table, symbol table of a REL section)
 * @param info    {@code sh_info} (section a REL section applies to)
 * @param entsize size of one entry for table sections
 */
public record ElfSection(int index, String name, int type, long flags, long offset, long size,
                         int link, int info, long addralign, long entsize) {
    public static final int SHT_NULL = 0;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_RELA = 4;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;

    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;

    /** Holds instructions: a program section or {@code .text}. */
    public boolean isExecutable() {
        return type == SHT_PROGBITS && (flags & SHF_EXECINSTR) != 0;
    }
}
