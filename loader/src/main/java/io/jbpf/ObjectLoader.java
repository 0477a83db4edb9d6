package io.jbpf;

import io.jbpf.uapi.Errno;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.ExtInfo;
import io.jbpf.spec.MapSpec;
import io.jbpf.spec.ProgramSpec;
import io.jbpf.spec.Relocation;
import io.jbpf.uapi.ProgFlag;
import io.jbpf.uapi.ProgType;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a {@link BpfObjectSpec} into kernel objects: BTF, then maps, then programs with their map
 * and global-data references patched in, then prog-array and map-in-map slots. Everything is
 * checked before the first fd is opened where it can be, and a failure half-way closes what was
 * opened and removes the pins it made. A single program ({@link BpfProgram#load}) goes through
 * the same steps for its BTF and itself ({@link #loadAlone}).
 */
final class ObjectLoader {
    private static final int LOG_START = 256 * 1024;
    private static final int LOG_MAX = 64 * 1024 * 1024;

    private final BpfObjectSpec spec;
    private final LoadOptions options;
    private final List<String> warnings = new ArrayList<>();

    ObjectLoader(BpfObjectSpec spec, LoadOptions options) {
        this.spec = spec;
        this.options = options;
    }

    BpfObject load() {
        if (!spec.programs().isEmpty() && spec.programs().stream().noneMatch(options.programs())) {
            throw new BpfException(spec.source() + ": no program selected to load; programs: "
                    + String.join(", ", spec.programs().stream().map(p -> p.name() + " (" + p.section() + ")").toList()));
        }
        // The object's own prog arrays name their tail-call targets: they load with any selection,
        // as the maps do, or the object could not be set up as written.
        Set<String> targets = spec.tailCallTargets();
        List<ProgramSpec> selected = spec.programs().stream()
                .filter(p -> options.programs().test(p) || targets.contains(p.name())).toList();
        for (ProgramSpec p : selected) {
            checkSupported(p, options.defaultType());
        }
        Map<String, BpfMap> maps = new LinkedHashMap<>();
        Map<String, BpfProgram> programs = new LinkedHashMap<>();
        MapLoader mapLoader = new MapLoader(spec, options, warnings);
        int btfFd = -1;
        try {
            btfFd = loadBtf(spec.kernelBtf().orElse(null), warnings);
            for (MapSpec m : spec.maps().values()) {
                maps.put(m.name(), mapLoader.load(m, btfFd));
            }
            BpfMap rodata = lastRodata(maps);
            for (ProgramSpec p : selected) {
                BpfProgram prog = loadProgram(p, symbols(maps), btfFd, options);
                programs.put(p.name(), prog);
                if (rodata != null && BpfSyscall.progBindMap(prog.fd(), rodata.fd()) < 0) {
                    warnings.add("could not bind " + rodata.name() + " to program " + p.name());
                }
            }
            for (MapSpec m : spec.maps().values()) {
                mapLoader.fillSlots(m, maps.get(m.name()), programs, maps);
            }
            return new BpfObject(spec, maps, programs, warnings, mapLoader.pinLog());
        } catch (RuntimeException e) {
            programs.values().forEach(BpfProgram::close);
            maps.values().forEach(BpfMap::close);
            mapLoader.pinLog().undo();
            throw e;
        } finally {
            // Maps and programs keep their own reference to the BTF object in the kernel.
            Native.closeQuietly(btfFd);
        }
    }

    /**
     * As libbpf does, every program holds the object's read-only data map (the last .rodata*
     * section's) even when it does not use it, so tools that walk a program's maps see its config.
     */
    private BpfMap lastRodata(Map<String, BpfMap> maps) {
        BpfMap last = null;
        for (MapSpec m : spec.maps().values()) {
            if (m.internal() && (m.section().equals(".rodata") || m.section().startsWith(".rodata."))) {
                last = maps.get(m.name());
            }
        }
        return last;
    }

    /**
     * Loads {@code p} on its own, its map references resolved to {@code maps} (by the object's map
     * names), with its object's BTF when the kernel takes it. A map it refers to and is not given
     * is named in the exception, before anything is loaded.
     */
    static BpfProgram loadAlone(ProgramSpec p, Map<String, BpfMap> maps, LoadOptions options) {
        checkSupported(p, options.defaultType());
        Set<String> missing = new LinkedHashSet<>();
        for (Relocation r : p.relocations()) {
            if ((r.kind() == Relocation.Kind.MAP || r.kind() == Relocation.Kind.DATA) && !maps.containsKey(r.target())) {
                missing.add(r.target());
            }
        }
        if (!missing.isEmpty()) {
            String first = missing.iterator().next();
            throw new BpfException(where(p) + ": refers to map" + (missing.size() == 1 ? " '" + first + "'"
                    : "s '" + String.join("', '", missing) + "'") + ", which " + (missing.size() == 1 ? "is" : "are")
                    + " not among the maps given (" + (maps.isEmpty() ? "none" : String.join(", ", maps.keySet()))
                    + "); create " + (missing.size() == 1 ? "it" : "them") + " from the object's map specs, e.g. "
                    + "BpfMap.create(objectSpec.maps().get(\"" + first
                    + "\")), or load the whole object (BpfObject.load)");
        }
        // Warnings (BTF the kernel refused) have no object to go to: the program loads without BTF.
        int btfFd = loadBtf(p.kernelBtf().orElse(null), new ArrayList<>());
        try {
            return loadProgram(p, symbols(maps), btfFd, options);
        } finally {
            Native.closeQuietly(btfFd);
        }
    }

    private static String where(ProgramSpec p) {
        return p.source() + ": section " + p.section() + ", program " + p.name();
    }

    /** The live answers for the names programs refer to: the given maps' fds, the running kernel's symbols. */
    private static Relocator.Symbols symbols(Map<String, BpfMap> maps) {
        return new Relocator.Symbols() {
            @Override
            public int mapFd(String name) {
                return maps.get(name).fd();
            }

            @Override
            public int funcId(String name) {
                return KernelSymbols.funcId(name);
            }

            @Override
            public int varId(String name) {
                return KernelSymbols.varId(name);
            }

            @Override
            public long address(String name) {
                return KernelSymbols.address(name);
            }
        };
    }

    private static void checkSupported(ProgramSpec p, ProgType defaultType) {
        String where = where(p);
        if (p.type() == null && defaultType == null) {
            throw new BpfException(where + ": the section name implies no program type (use a libbpf name such as "
                    + "'xdp' or 'tracepoint/...')");
        }
        if (p.coreRelocations() > 0) {
            throw new BpfException(where + ": uses " + p.coreRelocations() + " CO-RE relocations (BPF_CORE_READ, "
                    + "preserve_access_index), which this jbpf version cannot apply yet");
        }
        for (Relocation r : p.relocations()) {
            if (r.kind() == Relocation.Kind.EXTERN) {
                throw new BpfException(where + ", instruction " + r.instruction() + ": symbol '" + r.symbol()
                        + "' is not defined in the object and is neither a __kconfig nor a __ksym extern");
            }
        }
    }

    /** Loads an object's BTF ({@code btf} null: none); -1 when there is none or the kernel refused it (a warning). */
    private static int loadBtf(byte[] btf, List<String> warnings) {
        if (btf == null) {
            return -1;
        }
        NativeMemory data = Native.copyOf(btf);
        int fd = BpfSyscall.btfLoad(data.address(), btf.length, 0, 0, 0);
        if (fd < 0) {
            NativeMemory log = Native.allocate(LOG_START);
            BpfSyscall.btfLoad(data.address(), btf.length, log.address(), LOG_START, 1);
            warnings.add("the kernel refused the object's BTF (" + Errno.describe(-fd) + "), maps and programs load "
                    + "without it" + lastLine(log.getString(0, LOG_START)));
            Reference.reachabilityFence(log);
        }
        Reference.reachabilityFence(data);
        return fd < 0 ? -1 : fd;
    }

    private static BpfProgram loadProgram(ProgramSpec p, Relocator.Symbols symbols, int btfFd, LoadOptions options) {
        String where = where(p);
        byte[] insns = Relocator.relocate(p, symbols);
        ProgType type = p.type() != null ? p.type() : options.defaultType();
        int attach = p.expectedAttachType() != null ? p.expectedAttachType().value : 0;
        int flags = p.sectionDef() != null ? ProgFlag.toBits(p.sectionDef().progFlags()) : 0;
        boolean btf = btfFd >= 0;
        ExtInfo func = btf ? p.funcInfo() : ExtInfo.NONE;
        ExtInfo line = btf ? p.lineInfo() : ExtInfo.NONE;
        NativeMemory code = Native.copyOf(insns);
        NativeMemory license = Native.cString(p.license());
        NativeMemory funcInfo = Native.copyOf(pack(func));
        NativeMemory lineInfo = Native.copyOf(pack(line));
        // Resolved last: a target in a module holds that module's BTF fd until the finally below.
        AttachTarget target = AttachTarget.resolve(p, type, p.expectedAttachType(), options);
        try {
            BpfSyscall.ProgLoadAttr attr = new BpfSyscall.ProgLoadAttr(type.value, code.address(), p.instructionCount(),
                    license.address(), p.kernelVersion(), flags, KernelInfo.kernelName(p.name()), attach, btf ? btfFd : 0, 0,
                    func.recordSize(), funcInfo.address(), func.count(), line.recordSize(), lineInfo.address(), line.count(),
                    target.btfId(), target.btfObjFd(), target.progFd());
            BpfSyscall.ProgLoadResult r = BpfSyscall.progLoad(attr, 0, 0, 0);
            if (r.fd() >= 0) {
                return BpfProgram.adopt(r.fd(), p.name(), p.section(), p.expectedAttachType());
            }
            // Load again with a log to say why; grow the buffer while the kernel says it is too small.
            int size = LOG_START;
            while (true) {
                NativeMemory log = Native.allocate(size);
                r = BpfSyscall.progLoad(attr, options.logLevel().value, log.address(), size);
                if (r.fd() >= 0) {
                    return BpfProgram.adopt(r.fd(), p.name(), p.section(), p.expectedAttachType());
                }
                if (r.fd() == -Errno.ENOSPC && size < LOG_MAX) {
                    size = Math.min(LOG_MAX, Math.max(size * 4, r.logTrueSize()));
                    continue;
                }
                String text = log.getString(0, size);
                String loading = where + ": load (" + type.kernelName()
                        + (target == AttachTarget.NONE ? "" : ", attaching to " + target) + ")";
                String refusal = r.fd() == -Errno.EPERM && AttachTarget.needsTrampoline(type, p.expectedAttachType())
                        ? AttachTarget.trampolineRefusal() : null;
                if (text.isBlank() && refusal != null) {
                    throw new BpfException(loading + ": " + refusal, -r.fd());
                }
                if (text.isBlank()) {
                    throw new BpfException(loading + permissionHint(-r.fd()), -r.fd());
                }
                throw new VerifierException(where + ": the verifier rejected the program", -r.fd(), text);
            }
        } finally {
            target.close();
            Reference.reachabilityFence(code);
            Reference.reachabilityFence(license);
            Reference.reachabilityFence(funcInfo);
            Reference.reachabilityFence(lineInfo);
        }
    }

    /** Records as the kernel reads them: little-endian u32 fields, back to back. */
    private static byte[] pack(ExtInfo info) {
        ByteBuffer b = ByteBuffer.allocate(info.recordSize() * info.count()).order(ByteOrder.LITTLE_ENDIAN);
        for (int[] rec : info.records()) {
            for (int f : rec) {
                b.putInt(f);
            }
        }
        return b.array();
    }

    static String permissionHint(int errno) {
        return errno == Errno.EPERM ? " (needs root, or CAP_BPF with CAP_NET_ADMIN / CAP_PERFMON)" : "";
    }

    private static String lastLine(String log) {
        String[] lines = log.strip().split("\n");
        return lines.length == 0 || lines[lines.length - 1].isBlank() ? "" : ": " + lines[lines.length - 1].strip();
    }
}
