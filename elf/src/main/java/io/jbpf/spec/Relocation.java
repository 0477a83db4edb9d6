package io.jbpf.spec;

/**
 * An instruction ({@code ld_imm64}, or a kfunc call) that refers to something only the loader
 * can fill in.
 *
 * @param instruction index of the instruction in its program (for {@code ld_imm64}, the first half)
 * @param kind        what is referred to
 * @param symbol      the ELF symbol named by the relocation (empty for section symbols)
 * @param section     the section the symbol lives in
 * @param target      the map's name: the map itself for {@link Kind#MAP}, the internal map of the
 *                    data section for {@link Kind#DATA} (the .kconfig map for kconfig externs);
 *                    the symbol for {@link Kind#KSYM}, {@link Kind#KFUNC} and {@link Kind#EXTERN}
 * @param offset      byte offset into the data section (global data), else 0
 */
public record Relocation(int instruction, Kind kind, String symbol, String section, String target, long offset) {
    /** The kinds of reference a BPF object makes. */
    public enum Kind {
        /** {@code ld_imm64} of a map: becomes BPF_PSEUDO_MAP_FD with the map's fd. */
        MAP,
        /** {@code ld_imm64} of global data in {@code .data/.rodata/.bss}: BPF_PSEUDO_MAP_VALUE. */
        DATA,
        /** {@code ld_imm64} of a {@code __ksym} variable: its kernel address, or its BTF id when typed. */
        KSYM,
        /** A call to a {@code __ksym} function: a kfunc, by its BTF id in vmlinux. */
        KFUNC,
        /** A symbol defined outside the object that is neither kconfig nor ksym: cannot be resolved. */
        EXTERN
    }
}
