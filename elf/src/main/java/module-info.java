/**
 * Reading clang's BPF objects without touching the kernel: ELF64 ({@code io.jbpf.elf}), BTF and
 * BTF.ext ({@code io.jbpf.btf}), the object model of programs, maps and relocations
 * ({@code io.jbpf.spec}), the kernel's constants ({@code io.jbpf.uapi}) and the exception every
 * part of jbpf throws ({@code io.jbpf.common}).
 */
module io.jbpf.elf {
    exports io.jbpf.common;
    exports io.jbpf.elf;
    exports io.jbpf.btf;
    exports io.jbpf.spec;
    exports io.jbpf.uapi;
}
