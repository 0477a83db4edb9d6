package io.jbpf.spec;

/**
 * An instruction that refers to something only the loader can fill in.
 *
 * @param instruction index of the instruction in its program (for {@code ld_imm64}, the first half)
 * @param kind        what is referred to
 * @param symbol      the ELF symbol named by the relocation (empty for section symbols)
 * @param section     the section the symbol lives in
 * @param target      for {@link Kind#MAP}, the map's name; for others the symbol or section name
 * @param offset      byte offset into the target (global data), or the called instruction offset
 */
public record Relocation(int instruction, Kind kind, String symbol, String section, String target, long offset) {
    /** The kinds of reference a BPF object makes. */
    public enum Kind {
        /** {@code ld_imm64} of a map: becomes BPF_PSEUDO_MAP_FD with the map's fd. */
        MAP,
        /** {@code ld_imm64} of global data in {@code .data/.rodata/.bss}: BPF_PSEUDO_MAP_VALUE. */
        DATA,
        /** A bpf-to-bpf call or a callback's address. */
        CALL,
        /** A symbol defined outside the object ({@code extern}: kconfig, ksyms). */
        EXTERN
    }
}
