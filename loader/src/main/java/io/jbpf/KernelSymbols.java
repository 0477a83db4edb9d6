package io.jbpf;

import io.jbpf.common.BpfException;
import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfKind;
import io.jbpf.btf.BtfType;
import io.jbpf.internal.sys.BpfAttr;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.uapi.Errno;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.ref.SoftReference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What __ksym externs and BTF-attached programs resolve against: BTF ids of functions, variables
 * and tracepoint typedefs ({@code btf_trace_<tp>}) in the kernel's own BTF
 * ({@code /sys/kernel/btf/vmlinux}) and in its modules' split BTF ({@code /sys/kernel/btf/<module>}),
 * and symbol addresses from {@code /proc/kallsyms}. The vmlinux index is read once, on first use,
 * and cached; modules come and go, so their BTF is read at each lookup that needs it.
 */
final class KernelSymbols {
    private static final Path BTF_DIR = Path.of("/sys/kernel/btf");
    private static final Path VMLINUX = BTF_DIR.resolve("vmlinux");
    /** MODULE_NAME_LEN, with room to spare: the longest name a kernel BTF object has. */
    private static final int BTF_NAME_MAX = 64;
    /** The parsed vmlinux BTF, the base of every module's: kept while memory allows. */
    private static SoftReference<Btf> vmlinuxBtf = new SoftReference<>(null);
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

    /**
     * Where a BTF-attached program's target is: its BTF id in vmlinux ({@code module} null) or in
     * the split BTF of kernel module {@code module}.
     */
    record BtfTarget(String module, int id) {
    }

    /**
     * Kernel function {@code name} (a FUNC) or tracepoint typedef (a TYPEDEF, {@code kind}) in
     * vmlinux, else in the first module whose BTF has it; only in {@code module} when one is named
     * (libbpf's {@code fentry/module:function}). Null when none has it.
     */
    static synchronized BtfTarget find(int kind, String name, String module) {
        if (module == null) {
            int id = kind == BtfKind.FUNC ? funcId(name) : typedefId(name);
            if (id != 0) {
                return new BtfTarget(null, id);
            }
        }
        for (String m : module == null ? modules() : List.of(module)) {
            byte[] data;
            try {
                data = Files.readAllBytes(BTF_DIR.resolve(m));
            } catch (IOException e) {
                continue; // unloaded meanwhile, or never loaded: the caller says so
            }
            Optional<BtfType> t = Btf.parseSplit(BTF_DIR.resolve(m).toString(), data, vmlinux()).find(kind, name);
            if (t.isPresent()) {
                return new BtfTarget(m, t.get().id());
            }
        }
        return null;
    }

    /** The loaded modules that have BTF: the names under /sys/kernel/btf other than vmlinux, sorted. */
    static List<String> modules() {
        try (Stream<Path> files = Files.list(BTF_DIR)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> !n.equals("vmlinux")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * A new fd of the kernel's BTF object for {@code module}, found by name among every BTF object
     * (BPF_BTF_GET_NEXT_ID, BPF_BTF_GET_FD_BY_ID, then its info's name and kernel_btf), or -errno:
     * BPF_PROG_LOAD takes it as attach_btf_obj_fd for a target in a module.
     */
    static int moduleBtfFd(String module) {
        NativeMemory info = Native.allocate(BpfAttr.BtfInfo.SIZE);
        NativeMemory name = Native.allocate(BTF_NAME_MAX);
        int id = 0;
        while ((id = BpfSyscall.btfGetNextId(id)) > 0) {
            int fd = BpfSyscall.btfGetFdById(id);
            if (fd < 0) {
                continue; // freed since it was listed
            }
            info.fill(0, BpfAttr.BtfInfo.SIZE, (byte) 0);
            name.fill(0, BTF_NAME_MAX, (byte) 0);
            info.putLong(BpfAttr.BtfInfo.NAME, name.address());
            info.putInt(BpfAttr.BtfInfo.NAME_LEN, BTF_NAME_MAX);
            if (BpfSyscall.objGetInfoByFd(fd, info.address(), BpfAttr.BtfInfo.SIZE) == 0
                    && info.getInt(BpfAttr.BtfInfo.KERNEL_BTF) != 0 && name.getString(0, BTF_NAME_MAX).equals(module)) {
                return fd;
            }
            Native.closeQuietly(fd);
        }
        return id == -Errno.ENOENT ? -Errno.ENOENT : id;
    }

    private static synchronized Btf vmlinux() {
        Btf btf = vmlinuxBtf.get();
        if (btf == null) {
            btf = Btf.parse(VMLINUX.toString(), readVmlinux());
            vmlinuxBtf = new SoftReference<>(btf);
        }
        return btf;
    }

    private static byte[] readVmlinux() {
        try {
            return Files.readAllBytes(VMLINUX);
        } catch (IOException e) {
            throw new BpfException("kernel BTF " + VMLINUX + " is needed for __ksym externs and for tp_btf, fentry, "
                    + "fexit, fmod_ret and lsm programs, but cannot be read (a kernel built with CONFIG_DEBUG_INFO_BTF=y "
                    + "has it): " + e.getMessage());
        }
    }

    private static void index() {
        if (funcs != null) {
            return;
        }
        Btf btf = vmlinux();
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
