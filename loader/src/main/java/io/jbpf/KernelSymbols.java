package io.jbpf;

import io.jbpf.common.BpfException;
import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfKind;
import io.jbpf.btf.BtfType;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What __ksym externs and BTF-attached programs resolve against: BTF ids of functions, variables
 * and tracepoint typedefs ({@code btf_trace_<tp>}) in the kernel's own BTF
 * ({@code /sys/kernel/btf/vmlinux}), and symbol addresses from {@code /proc/kallsyms}. Each is
 * read once, on first use, and cached.
 */
final class KernelSymbols {
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    private static final Path KALLSYMS = Path.of("/proc/kallsyms");
    private static Map<String, Integer> funcs;
    private static Map<String, Integer> vars;
    private static Map<String, Integer> typedefs;

    private KernelSymbols() {
    }

    /** BTF id of kernel function {@code name} in vmlinux BTF, or 0 when there is none. */
    static synchronized int funcId(String name) {
        index();
        return funcs.getOrDefault(name, 0);
    }

    /** BTF id of kernel variable {@code name} in vmlinux BTF, or 0 when there is none. */
    static synchronized int varId(String name) {
        index();
        return vars.getOrDefault(name, 0);
    }

    /**
     * BTF id of typedef {@code name} in vmlinux BTF, or 0 when there is none: a tp_btf program
     * attaches to {@code btf_trace_<tracepoint>}.
     */
    static synchronized int typedefId(String name) {
        index();
        return typedefs.getOrDefault(name, 0);
    }

    private static void index() {
        if (funcs != null) {
            return;
        }
        byte[] data;
        try {
            data = Files.readAllBytes(VMLINUX);
        } catch (IOException e) {
            throw new BpfException("kernel BTF " + VMLINUX + " is needed for __ksym externs and for tp_btf, fentry, "
                    + "fexit, fmod_ret and lsm programs, but cannot be read (a kernel built with CONFIG_DEBUG_INFO_BTF=y "
                    + "has it): " + e.getMessage());
        }
        Btf btf = Btf.parse(VMLINUX.toString(), data);
        Map<String, Integer> f = new HashMap<>();
        Map<String, Integer> v = new HashMap<>();
        Map<String, Integer> td = new HashMap<>();
        for (BtfType t : btf.types()) {
            if (t.kind() == BtfKind.FUNC) {
                f.putIfAbsent(t.name(), t.id());
            } else if (t.kind() == BtfKind.VAR) {
                v.putIfAbsent(t.name(), t.id());
            } else if (t.kind() == BtfKind.TYPEDEF && t.name().startsWith("btf_trace_")) {
                td.putIfAbsent(t.name(), t.id());
            }
        }
        funcs = f;
        vars = v;
        typedefs = td;
    }

    /** Address of {@code name} in /proc/kallsyms, or 0 when it is not there. */
    static long address(String name) {
        String line = kallsymsLine(name);
        return line == null ? 0 : Long.parseUnsignedLong(line.substring(0, line.indexOf(' ')), 16);
    }

    /** Whether /proc/kallsyms lists {@code name} (whatever address it shows: 0 under kptr_restrict). */
    static boolean contains(String name) {
        return kallsymsLine(name) != null;
    }

    private static String kallsymsLine(String name) {
        try (BufferedReader r = Files.newBufferedReader(KALLSYMS)) {
            String line;
            while ((line = r.readLine()) != null) {
                int a = line.indexOf(' ');
                int b = line.indexOf(' ', a + 1);
                if (b < 0) {
                    continue;
                }
                int end = line.indexOf('\t', b + 1);
                String sym = end < 0 ? line.substring(b + 1) : line.substring(b + 1, end);
                if (sym.equals(name)) {
                    return line;
                }
            }
            return null;
        } catch (IOException e) {
            throw new BpfException("cannot read " + KALLSYMS + " to look up kernel symbol '" + name + "': "
                    + e.getMessage());
        }
    }
}
