package io.jbpf.internal.sys;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Everything jbpf needs that differs by CPU architecture, in one table: system call numbers (from
 * each architecture's {@code unistd.h}) and the prefix of the kernel's syscall wrappers
 * ({@code __x64_sys_bpf}), which libbpf calls the arch-specific syscall prefix. An architecture
 * that jbpf's build ships a native stub for must have a row here (a unit test checks it).
 */
public enum Arch {
    X86_64(List.of("amd64", "x86_64"), 321, 298, "x64"),
    AARCH64(List.of("aarch64", "arm64"), 280, 241, "arm64"),
    RISCV64(List.of("riscv64"), 280, 241, "riscv");

    /** The values of {@code os.arch} that name this architecture. */
    public final List<String> javaNames;
    /** {@code __NR_bpf}. */
    public final long sysBpf;
    /** {@code __NR_perf_event_open}. */
    public final long sysPerfEventOpen;
    /** The kernel's syscall wrapper prefix: {@code __<prefix>_sys_<name>}. */
    public final String syscallPrefix;

    Arch(List<String> javaNames, long sysBpf, long sysPerfEventOpen, String syscallPrefix) {
        this.javaNames = javaNames;
        this.sysBpf = sysBpf;
        this.sysPerfEventOpen = sysPerfEventOpen;
        this.syscallPrefix = syscallPrefix;
    }

    private static final Arch CURRENT = of(System.getProperty("os.arch"));

    /** The architecture this JVM runs on. */
    public static Arch current() {
        if (CURRENT == null) {
            throw new UnsupportedOperationException("jbpf has no system call table for the " + System.getProperty("os.arch")
                    + " architecture (supported: " + Arrays.toString(values()) + ")");
        }
        return CURRENT;
    }

    /** The architecture named {@code osArch} (a value of {@code os.arch}), or null when jbpf lacks it. */
    public static Arch of(String osArch) {
        String name = osArch.toLowerCase(Locale.ROOT);
        for (Arch a : values()) {
            if (a.javaNames.contains(name)) {
                return a;
            }
        }
        return null;
    }

    /** The kernel's name of its syscall wrapper for {@code syscall}: {@code __x64_sys_bpf}. */
    public String syscallWrapper(String syscall) {
        return "__" + syscallPrefix + "_sys_" + syscall;
    }
}
