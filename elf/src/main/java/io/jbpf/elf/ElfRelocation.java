package io.jbpf.elf;

/**
 * One entry of an SHT_REL section (BPF objects carry no addends in RELA form).
 *
 * @param offset      byte offset in the target section of the instruction or data to patch
 * @param symbolIndex symbol table index the relocation refers to
 * @param type        relocation type (R_BPF_*)
 */
public record ElfRelocation(long offset, int symbolIndex, int type) {
    public static final int R_BPF_NONE = 0;
    /** {@code ld_imm64} referring to a map or global data. */
    public static final int R_BPF_64_64 = 1;
    public static final int R_BPF_64_ABS64 = 2;
    public static final int R_BPF_64_ABS32 = 3;
    public static final int R_BPF_64_NODYLD32 = 4;
    /** A call to a subprogram (bpf-to-bpf call). */
    public static final int R_BPF_64_32 = 10;
}
