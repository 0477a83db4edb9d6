package io.jbpf.spec;

/**
 * An {@code ld_imm64} instruction that refers to something only the loader can fill in.
 *
 * @param instruction index of the instruction in its program (for {@code ld_imm64}, the first half)
 * @param kind        what is referred to
 * @param symbol      the ELF symbol named by the relocation (empty for section symbols)
 * @param section     the section the symbol lives in
 * @param target      the map's name: the map itself for {@link Kind#MAP}, the internal map of the
 *                    data section for {@link Kind#DATA}; the symbol for {@link Kind#EXTERN}
 * @param offset      byte offset into the data section (global data), else 0
 */
public record Relocation(int instruction, Kind kind, String symbol, String section, String target, long offset) {
    /** The kinds of reference a BPF object makes. */
    public enum Kind {
        /** {@code ld_imm64} of a map: becomes BPF_PSEUDO_MAP_FD with the map's fd. */
        MAP,
        /** {@code ld_imm64} of global data in {@code .data/.rodata/.bss}: BPF_PSEUDO_MAP_VALUE. */
        DATA,
        /** A symbol defined outside the object ({@code extern}: kconfig, ksyms). */
        EXTERN
    }
}
