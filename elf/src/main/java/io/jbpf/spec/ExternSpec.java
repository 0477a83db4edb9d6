package io.jbpf.spec;

/**
 * A symbol the object uses but does not define, which the loader resolves against the running
 * kernel, as libbpf does: {@code __kconfig} values (kept in the {@code .kconfig} map),
 * {@code __ksym} variables (kernel addresses or BTF ids) and {@code __ksym} functions (kfuncs).
 *
 * @param name       symbol name ({@code CONFIG_HZ}, {@code LINUX_KERNEL_VERSION}, {@code _text} ...)
 * @param kind       what it is
 * @param weak       declared {@code __weak}: a missing one reads as zero instead of failing the load
 * @param typed      for {@link Kind#KSYM}: it has a BTF type (resolved to a BTF id), else an address
 * @param kconfig    for {@link Kind#KCONFIG}: how to read the value from the kernel config
 * @param offset     for {@link Kind#KCONFIG}: byte offset in the .kconfig map
 * @param size       for {@link Kind#KCONFIG}: size in bytes
 */
public record ExternSpec(String name, Kind kind, boolean weak, boolean typed, KconfigType kconfig, int offset, int size) {
    /** The kinds of extern. */
    public enum Kind {
        KCONFIG, KSYM, KFUNC
    }

    /** How a kconfig value is stored, as libbpf reads it. */
    public enum KconfigType {
        /** {@code _Bool}: y is 1, n is 0. */
        BOOL,
        /** {@code enum libbpf_tristate}: n 0, y 1, m 2. */
        TRISTATE,
        /** {@code char}: the letter y, n or m. */
        CHAR,
        /** {@code char[N]}: a quoted string value. */
        CHAR_ARRAY,
        /** Signed integer of {@code size} bytes. */
        INT,
        /** Unsigned integer of {@code size} bytes. */
        UINT
    }
}
