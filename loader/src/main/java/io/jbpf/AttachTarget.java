package io.jbpf;

import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfKind;
import io.jbpf.btf.BtfType;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfAttr;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.spec.ProgramSpec;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.ProgType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a program the kernel attaches by BTF id is loaded for: tp_btf, fentry, fexit, fmod_ret and
 * lsm programs name a kernel tracepoint, function or LSM hook in their section, which BPF_PROG_LOAD
 * takes as its BTF id in vmlinux ({@code attach_btf_id}); a freplace program names a function of
 * another loaded program ({@link LoadOptions#freplaceTarget()}), whose own BTF gives the id, and
 * that program's fd goes in {@code attach_prog_fd}; so does it for a fentry or fexit program whose
 * section names no function ({@code fentry}, {@code fexit}) loaded with a target program: it traces
 * that program's main function, as xdpdump traces an XDP program. The verifier checks the program against that
 * function's prototype, so the target is fixed at load; the link made later only switches it on.
 * A function or tracepoint of a kernel module is found in the module's split BTF
 * ({@code /sys/kernel/btf/<module>}, or named as libbpf names it: {@code fentry/module:function}),
 * and the module's BTF object goes in {@code attach_btf_obj_fd}. Close it after the load.
 *
 * @param btfId       the target's BTF id (0: the program attaches by no BTF id)
 * @param btfObjFd    fd of the module's kernel BTF object the id is in, owned (0: vmlinux)
 * @param progFd      the freplace target program's fd, not owned (0: none)
 * @param description the target for messages ("kernel function do_sys_openat2")
 */
record AttachTarget(int btfId, int btfObjFd, int progFd, String description) implements AutoCloseable {
    static final AttachTarget NONE = new AttachTarget(0, 0, 0, null);
    private static final Path LOCKDOWN = Path.of("/sys/kernel/security/lockdown");
    /** CAP_SYS_ADMIN and CAP_BPF: with either, an EPERM from BPF_PROG_LOAD is not about privilege. */
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_BPF = 39;

    /** The target {@code p}, loaded as {@code type}, attaches to; {@link #NONE} for other program kinds. */
    static AttachTarget resolve(ProgramSpec p, ProgType type, AttachType attach, LoadOptions options) {
        String where = p.source() + ": section " + p.section() + ", program " + p.name();
        if (type == ProgType.EXT) {
            return freplace(p, where, options.freplaceTarget());
        }
        if (type == ProgType.TRACING && attach == AttachType.TRACE_RAW_TP) {
            String tp = targetName(p, where, "tracepoint", "tp_btf/sys_enter");
            return kernel(where, "tracepoint", tp, BtfKind.TYPEDEF, "btf_trace_",
                    "(the tracepoint's typedef)", "a tracepoint listed in /sys/kernel/tracing/available_events");
        }
        if (type == ProgType.TRACING && (attach == AttachType.TRACE_FENTRY || attach == AttachType.TRACE_FEXIT)
                && options.freplaceTarget() != null && p.section().indexOf('/') < 0) {
            // "fentry"/"fexit" with a target program: its main function, as xdpdump traces an XDP program
            return programFunction(where, options.freplaceTarget(), null, "traces");
        }
        if (type == ProgType.TRACING && (attach == AttachType.TRACE_FENTRY || attach == AttachType.TRACE_FEXIT
                || attach == AttachType.MODIFY_RETURN)) {
            String fn = targetName(p, where, "kernel function", "fentry/do_sys_openat2");
            return kernel(where, "kernel function", fn, BtfKind.FUNC, "", "", "a function of the running kernel");
        }
        if (type == ProgType.LSM && attach == AttachType.LSM_MAC) {
            String hook = targetName(p, where, "LSM hook", "lsm/file_open");
            return vmlinux(where, "LSM hook " + hook, KernelSymbols.funcId("bpf_lsm_" + hook), "bpf_lsm_" + hook,
                    "an LSM hook name (security_<hook> without its prefix)");
        }
        return NONE;
    }

    /** The part of the section after its first '/': what libbpf reads the target from. */
    private static String targetName(ProgramSpec p, String where, String what, String example) {
        int slash = p.section().indexOf('/');
        if (slash < 0 || slash == p.section().length() - 1) {
            throw new BpfException(where + ": the section names no " + what + " to attach to; name it as in "
                    + example);
        }
        return p.section().substring(slash + 1);
    }

    private static AttachTarget vmlinux(String where, String description, int id, String btfName, String hint) {
        if (id == 0) {
            throw new BpfException(where + ": attaches to " + description + ", but the kernel's BTF "
                    + "(/sys/kernel/btf/vmlinux) has no " + btfName + "; name " + hint);
        }
        return new AttachTarget(id, 0, 0, description);
    }

    /**
     * A kernel function or tracepoint, {@code target} as the section names it ({@code name} or
     * {@code module:name}), looked up as {@code prefix + name} in vmlinux and then in the loaded
     * modules' BTF, or in the named module's only.
     */
    private static AttachTarget kernel(String where, String what, String target, int kind, String prefix,
                                       String btfNote, String hint) {
        int colon = target.indexOf(':');
        String module = colon < 0 ? null : target.substring(0, colon);
        String name = target.substring(colon + 1);
        String btfName = prefix + name + (btfNote.isEmpty() ? "" : " " + btfNote);
        KernelSymbols.BtfTarget found = KernelSymbols.find(kind, prefix + name, module);
        if (found == null && module == null) {
            List<String> modules = KernelSymbols.modules();
            throw new BpfException(where + ": attaches to " + what + " " + name + ", but neither the kernel's BTF "
                    + "(/sys/kernel/btf/vmlinux) nor " + (modules.isEmpty() ? "any loaded module's (none has BTF here)"
                    : "the BTF of its " + modules.size() + " loaded modules") + " has " + btfName + "; name " + hint);
        }
        String description = what + " " + name + (module == null && (found == null || found.module() == null) ? ""
                : " of module " + (module != null ? module : found.module()));
        if (found == null) {
            boolean modular = !"n".equals(java.util.Objects.requireNonNullElse(Kconfig.valueOrNull("CONFIG_MODULES"), "y"));
            throw new BpfException(where + ": attaches to " + description + ", but "
                    + (!Files.exists(Path.of("/sys/kernel/btf", module))
                    ? (modular ? "/sys/kernel/btf/" + module + " does not exist: load the module (modprobe " + module
                            + ") on a kernel built with CONFIG_DEBUG_INFO_BTF_MODULES=y"
                            : "this kernel has no loadable modules (CONFIG_MODULES is not set)")
                            + ", or name a function of the kernel itself without '" + module + ":'"
                    : "the module's BTF (/sys/kernel/btf/" + module + ") has no " + btfName + "; name " + hint));
        }
        if (found.module() == null) {
            return new AttachTarget(found.id(), 0, 0, description);
        }
        int fd = KernelSymbols.moduleBtfFd(found.module());
        if (fd < 0) {
            throw new BpfException(where + ": attaches to " + description + ", but the kernel's BTF object of module "
                    + found.module() + " cannot be opened (was it unloaded?)", -fd);
        }
        return new AttachTarget(found.id(), fd, 0, description);
    }

    /** Closes the module BTF object fd, if this target holds one. */
    @Override
    public void close() {
        if (btfObjFd > 0) {
            Native.closeQuietly(btfObjFd);
        }
    }

    private static AttachTarget freplace(ProgramSpec p, String where, BpfProgram target) {
        String fn = targetName(p, where, "function", "freplace/<function of the target program>");
        if (target == null) {
            throw new BpfException(where + ": a freplace program replaces function " + fn + " of a loaded program, "
                    + "which must be given at load: LoadOptions.defaults().withFreplaceTarget(targetProgram)");
        }
        return programFunction(where, target, fn, "replaces");
    }

    /**
     * Function {@code fn} of the loaded program {@code target}, or its main function (its first
     * func_info record) when {@code fn} is null, found in the program's BTF; {@code verb} says
     * what the program being loaded does to it, for messages.
     */
    private static AttachTarget programFunction(String where, BpfProgram target, String fn, String verb) {
        String of = " of program " + target.name() + " (id " + target.id() + ")";
        String what = (fn == null ? "the main function" : "function " + fn) + of;
        NativeMemory info = Native.allocate(BpfAttr.ProgInfo.SIZE);
        int r = BpfSyscall.objGetInfoByFd(target.fd(), info.address(), BpfAttr.ProgInfo.SIZE);
        if (r < 0) {
            throw new BpfException(where + ": cannot read the BTF id of program " + target.name(), -r);
        }
        int btfId = info.getInt(BpfAttr.ProgInfoDetail.BTF_ID);
        if (btfId == 0) {
            throw new BpfException(where + ": " + verb + " " + what + ", but that program was loaded without BTF, where "
                    + "the kernel finds its functions; build it with clang -g");
        }
        if (fn == null) {
            // func_info record 0 ({insn_off, type_id}) describes the function at instruction 0
            NativeMemory rec = Native.allocate(8);
            NativeMemory again = Native.allocate(BpfAttr.ProgInfo.SIZE);
            again.putInt(BpfAttr.ProgInfoDetail.FUNC_INFO_REC_SIZE, 8);
            again.putLong(BpfAttr.ProgInfoDetail.FUNC_INFO, rec.address());
            again.putInt(BpfAttr.ProgInfoDetail.NR_FUNC_INFO, 1);
            r = BpfSyscall.objGetInfoByFd(target.fd(), again.address(), BpfAttr.ProgInfo.SIZE);
            if (r < 0 || info.getInt(BpfAttr.ProgInfoDetail.NR_FUNC_INFO) == 0) {
                throw new BpfException(where + ": " + verb + " " + what + ", but its function records cannot be read",
                        r < 0 ? -r : Errno.ENOENT);
            }
            int typeId = rec.getInt(4);
            java.lang.ref.Reference.reachabilityFence(rec);
            return new AttachTarget(typeId, 0, target.fd(), what);
        }
        Btf btf = Btf.parse("BTF of program " + target.name(), KernelInfo.btfById(btfId));
        List<String> funcs = btf.types().stream().filter(t -> t.kind() == BtfKind.FUNC).map(BtfType::name).toList();
        BtfType func = btf.find(BtfKind.FUNC, fn).orElseThrow(() -> new BpfException(where + ": " + verb + " " + what
                + ", but that program has no such function; its functions: " + String.join(", ", funcs)));
        return new AttachTarget(func.id(), 0, target.fd(), what);
    }

    /** Whether programs of this kind run through a BPF trampoline, which the kernel may refuse as a whole. */
    static boolean needsTrampoline(ProgType type, AttachType attach) {
        return type == ProgType.EXT || type == ProgType.LSM
                || type == ProgType.TRACING && (attach == AttachType.TRACE_FENTRY || attach == AttachType.TRACE_FEXIT
                || attach == AttachType.MODIFY_RETURN);
    }

    /**
     * Why a privileged load of a trampoline program failed with EPERM and an empty verifier log,
     * or null when this process lacks CAP_BPF and CAP_SYS_ADMIN (then privilege is the answer).
     * The kernel refuses such programs as a whole, before verifying them, where it cannot patch
     * kernel code at run time; kernel lockdown is the setting that says so, shown when readable.
     */
    static String trampolineRefusal() {
        if (!privileged()) {
            return null;
        }
        return "BPF trampolines are refused by this kernel" + lockdown()
                + "; fentry, fexit, fmod_ret, freplace and lsm programs need a kernel that allows them "
                + "(tracepoint, raw_tp, tp_btf, kprobe and uprobe programs need no trampoline)";
    }

    /** The kernel's lockdown mode and where it was read, or "" when lockdown is off or cannot be told. */
    static String lockdown() {
        try {
            if (Files.isReadable(LOCKDOWN)) {
                String mode = lockdownMode(Files.readString(LOCKDOWN));
                if (mode != null) {
                    return mode.equals("none") ? "" : ": lockdown is in " + mode + " mode (" + LOCKDOWN + ")";
                }
            }
        } catch (IOException e) {
            // securityfs unreadable: fall back to the configuration below
        }
        for (String mode : new String[] {"CONFIDENTIALITY", "INTEGRITY"}) {
            String option = "CONFIG_LOCK_DOWN_KERNEL_FORCE_" + mode;
            if ("y".equals(Kconfig.valueOrNull(option))) {
                return ": lockdown is in " + mode.toLowerCase(java.util.Locale.ROOT) + " mode (" + option
                        + "=y; " + LOCKDOWN + " shows it once securityfs is mounted)";
            }
        }
        return "";
    }

    /** The selected mode in the text of /sys/kernel/security/lockdown ("none [integrity] confidentiality"), or null. */
    static String lockdownMode(String text) {
        int open = text.indexOf('[');
        int close = text.indexOf(']', open + 1);
        return open >= 0 && close > open ? text.substring(open + 1, close) : null;
    }

    /** Whether this process holds CAP_SYS_ADMIN or CAP_BPF (CapEff in /proc/self/status). */
    private static boolean privileged() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    return (caps & (1L << CAP_SYS_ADMIN | 1L << CAP_BPF)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // cannot tell: say nothing about privilege either way
        }
        return true;
    }

    @Override
    public String toString() {
        return description == null ? "no BTF attach target" : description;
    }
}
