package io.jbpf;

import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.BpfFunc;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.ProgType;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this kernel supports, found by trying it once (a tiny map or program) and cached for the
 * life of the JVM. The loader consults it only where its behaviour depends on the answer: to tell
 * "this kernel has no such map type" apart from a bad definition. {@code jbpf features} lists it.
 */
public final class Features {
    /** Outcome of one probe. */
    public enum Support {
        YES, NO, NOT_PROBED;

        @Override
        public String toString() {
            return switch (this) {
                case YES -> "yes";
                case NO -> "no";
                case NOT_PROBED -> "not probed";
            };
        }
    }

    private static final Map<MapType, Support> MAP_TYPES = new ConcurrentHashMap<>();
    private static final Map<ProgType, Support> PROG_TYPES = new ConcurrentHashMap<>();
    private static final Map<HelperUse, Support> HELPERS = new ConcurrentHashMap<>();
    private static final Map<Hook, Support> HOOKS = new ConcurrentHashMap<>();

    /**
     * Ways to attach that a kernel may have or lack even where the program type loads: each is
     * probed by doing a harmless part of it (a load, or a link the kernel refuses for a reason that
     * shows it knows the kind), never by the kernel's version.
     */
    public enum Hook {
        /** kprobe/kretprobe attach: the kprobe PMU or tracefs kprobe_events (CONFIG_KPROBES). */
        KPROBES("kprobes"),
        /** uprobe/uretprobe attach: the uprobe PMU or tracefs uprobe_events (CONFIG_UPROBES). */
        UPROBES("uprobes"),
        /** kprobe_multi links (CONFIG_FPROBE): one link on many kernel functions. */
        KPROBE_MULTI_LINKS("kprobe_multi links"),
        /** uprobe_multi links: one link on many offsets of a binary. */
        UPROBE_MULTI_LINKS("uprobe_multi links"),
        /** fentry, fexit, fmod_ret, freplace and lsm programs load (refused under lockdown). */
        BPF_TRAMPOLINES("bpf trampolines"),
        /** BTF of loaded kernel modules under /sys/kernel/btf: BTF-attached programs can target modules. */
        MODULE_BTF("module btf"),
        /** TCX links: tc programs through bpf_link, with ordering. */
        TCX_LINKS("tcx links"),
        /** netfilter links: netfilter programs on a netfilter hook. */
        NETFILTER_LINKS("netfilter links");

        private final String label;

        Hook(String label) {
            this.label = label;
        }

        /** How {@code jbpf features} names it. */
        public String label() {
            return label;
        }
    }
    private static final int BPF_F_NO_PREALLOC = 1;
    private static final int BPF_F_MMAPABLE = 1 << 10;

    private Features() {
    }

    /** Whether this kernel can create maps of {@code type}. */
    public static Support mapType(MapType type) {
        return MAP_TYPES.computeIfAbsent(type, Features::probeMap);
    }

    /** Whether this kernel can load programs of {@code type}. */
    public static Support progType(ProgType type) {
        return PROG_TYPES.computeIfAbsent(type, Features::probeProg);
    }

    /**
     * Whether programs of {@code type} may call {@code helper}: found by loading one that calls it
     * with its context as the first argument, as libbpf probes bpf_get_attach_cookie() for
     * {@code LINUX_HAS_BPF_COOKIE}.
     */
    public static Support helper(ProgType type, BpfFunc helper) {
        return HELPERS.computeIfAbsent(new HelperUse(type, helper), Features::probeHelper);
    }

    private record HelperUse(ProgType type, BpfFunc helper) {
    }

    /** Whether this kernel can attach programs by {@code hook}. */
    public static Support hook(Hook hook) {
        return HOOKS.computeIfAbsent(hook, Features::probeHook);
    }

    /**
     * Every probe, for {@code jbpf features}: three groups by name ("map_types", "program_types",
     * "hooks"), each from the probe's name (MapType/ProgType names, {@link Hook#label()}) to its answer.
     */
    public static Map<String, Map<String, Support>> all() {
        Map<String, Support> maps = new LinkedHashMap<>();
        for (MapType t : MapType.values()) {
            if (t != MapType.UNSPEC) {
                maps.put(t.name(), mapType(t));
            }
        }
        Map<String, Support> progs = new LinkedHashMap<>();
        for (ProgType t : ProgType.values()) {
            if (t != ProgType.UNSPEC) {
                progs.put(t.name(), progType(t));
            }
        }
        Map<String, Support> hooks = new LinkedHashMap<>();
        for (Hook h : Hook.values()) {
            hooks.put(h.label(), hook(h));
        }
        Map<String, Map<String, Support>> out = new LinkedHashMap<>();
        out.put("map_types", maps);
        out.put("program_types", progs);
        out.put("hooks", hooks);
        return out;
    }

    private static final Path EVENT_SOURCES = Path.of("/sys/bus/event_source/devices");
    private static final Path TRACEFS = Path.of("/sys/kernel/tracing");

    private static Support probeHook(Hook hook) {
        return switch (hook) {
            case KPROBES -> of(Files.exists(EVENT_SOURCES.resolve("kprobe")) || Files.exists(TRACEFS.resolve("kprobe_events")));
            case UPROBES -> of(Files.exists(EVENT_SOURCES.resolve("uprobe")) || Files.exists(TRACEFS.resolve("uprobe_events")));
            // A function that does not exist: a kernel with fprobes looks it up and says ENOENT or
            // ESRCH; one without says EOPNOTSUPP, one that predates these links EINVAL.
            case KPROBE_MULTI_LINKS -> linkRefusal(ProgType.KPROBE, AttachType.TRACE_KPROBE_MULTI,
                    fd -> BpfSyscall.linkCreateKprobeMulti(fd, new String[] {"jbpf_no_such_function"}, null, null, 0),
                    Errno.ENOENT, Errno.ESRCH);
            // A binary that does not exist: ENOENT where the kernel opens the path, EINVAL before it knew this link.
            case UPROBE_MULTI_LINKS -> linkRefusal(ProgType.KPROBE, AttachType.TRACE_UPROBE_MULTI,
                    fd -> BpfSyscall.linkCreateUprobeMulti(fd, "/jbpf-no-such-binary", new long[] {0}, null, 0, 0),
                    Errno.ENOENT);
            case BPF_TRAMPOLINES -> {
                // fentry on a function the kernel keeps for BPF tests, loaded with its BTF id
                int id = KernelSymbols.funcId("bpf_fentry_test1");
                yield id == 0 ? Support.NOT_PROBED : loads(ProgType.TRACING, RETURN_0, AttachType.TRACE_FENTRY, id);
            }
            case MODULE_BTF -> of(!KernelSymbols.modules().isEmpty());
            // Device 0 does not exist: a kernel with TCX looks it up (ENODEV), one without refuses the attach type.
            case TCX_LINKS -> linkRefusal(ProgType.SCHED_CLS, null,
                    fd -> BpfSyscall.linkCreate(fd, 0, AttachType.TCX_INGRESS.value, 0), Errno.ENODEV);
            case NETFILTER_LINKS -> progType(ProgType.NETFILTER);
        };
    }

    private static Support of(boolean yes) {
        return yes ? Support.YES : Support.NO;
    }

    /**
     * Loads a do-nothing program of {@code type}, makes a link with {@code create} that must fail,
     * and says YES when it failed with one of {@code knownErrnos}: the answer of a kernel that
     * knows the link kind and refused only the made-up target.
     */
    private static Support linkRefusal(ProgType type, AttachType expected, java.util.function.IntUnaryOperator create,
                                       int... knownErrnos) {
        int prog = load(type, RETURN_0, expected, 0);
        if (prog < 0) {
            return Support.NO;
        }
        try {
            int r = create.applyAsInt(prog);
            if (r >= 0) {
                Native.closeQuietly(r); // not expected: the target was made up
                return Support.YES;
            }
            for (int e : knownErrnos) {
                if (r == -e) {
                    return Support.YES;
                }
            }
            return Support.NO;
        } finally {
            Native.closeQuietly(prog);
        }
    }

    private static Support probeMap(MapType type) {
        int key = 4;
        int value = 4;
        int max = 1;
        int flags = 0;
        long extra = 0;
        boolean btf = false;
        switch (type) {
            case LPM_TRIE -> {
                key = 8;
                flags = BPF_F_NO_PREALLOC;
            }
            case STACK_TRACE -> value = 8;
            case CGROUP_STORAGE, PERCPU_CGROUP_STORAGE -> {
                key = 8; // the cgroup id alone (struct bpf_cgroup_storage_key is refused here)
                max = 0;
            }
            case QUEUE, STACK, BLOOM_FILTER -> key = 0;
            case RINGBUF, USER_RINGBUF -> {
                key = 0;
                value = 0;
                max = (int) Native.pageSize(); // a ring buffer is a power-of-two number of pages
            }
            case SK_STORAGE, INODE_STORAGE, TASK_STORAGE,
                 CGRP_STORAGE -> {
                max = 0;
                flags = BPF_F_NO_PREALLOC;
                btf = true; // local storage maps must describe key and value with BTF
            }
            case ARENA -> {
                key = 0;
                value = 0;
                flags = BPF_F_MMAPABLE;
            }
            case STRUCT_OPS, UNSPEC -> {
                return Support.NOT_PROBED; // needs a kernel struct type as its value
            }
            default -> {
            }
        }
        int inner = -1;
        int btfFd = -1;
        try {
            if (type == MapType.ARRAY_OF_MAPS || type == MapType.HASH_OF_MAPS) {
                inner = BpfSyscall.mapCreate(new BpfSyscall.MapCreateAttr(MapType.ARRAY.value, 4, 4, 1, 0,
                        null, 0, 0, 0, 0, 0, 0));
                if (inner < 0) {
                    return Support.NO;
                }
            }
            if (btf) {
                btfFd = intBtf();
                if (btfFd < 0) {
                    return Support.NO;
                }
            }
            int fd = BpfSyscall.mapCreate(new BpfSyscall.MapCreateAttr(type.value, key, value, max, flags, null,
                    Math.max(inner, 0), 0, Math.max(btfFd, 0), btf ? 1 : 0, btf ? 1 : 0, extra));
            Native.closeQuietly(fd);
            return fd >= 0 ? Support.YES : Support.NO;
        } finally {
            Native.closeQuietly(inner);
            Native.closeQuietly(btfFd);
        }
    }

    /** A BTF object holding one type, [1] int: enough to describe a local-storage map. */
    private static int intBtf() {
        byte[] strings = "\0int\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + strings.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(16).putInt(16)
                .putInt(strings.length);
        b.putInt(1).putInt(1 << 24).putInt(4).putInt((1 << 24) | 32); // INT "int", size 4, signed, 32 bits
        b.put(strings);
        NativeMemory data = Native.copyOf(b.array());
        int fd = BpfSyscall.btfLoad(data.address(), b.capacity(), 0, 0, 0);
        Reference.reachabilityFence(data);
        return fd;
    }

    private static Support probeProg(ProgType type) {
        AttachType attach = switch (type) {
            case CGROUP_SOCK_ADDR -> AttachType.CGROUP_INET4_CONNECT;
            case SK_LOOKUP -> AttachType.SK_LOOKUP;
            case CGROUP_SOCKOPT -> AttachType.CGROUP_GETSOCKOPT;
            default -> null;
        };
        switch (type) {
            case TRACING -> {
                // tp_btf needs no trampoline: the type loads where fentry is refused
                int id = KernelSymbols.typedefId("btf_trace_sys_enter");
                return id == 0 ? Support.NOT_PROBED : loads(type, RETURN_0, AttachType.TRACE_RAW_TP, id);
            }
            case LSM -> {
                int id = KernelSymbols.funcId("bpf_lsm_file_open");
                return id == 0 ? Support.NO : loads(type, RETURN_0, AttachType.LSM_MAC, id);
            }
            case NETFILTER -> {
                return loads(type, RETURN_0, AttachType.NETFILTER, 0);
            }
            case EXT, STRUCT_OPS, UNSPEC -> {
                return Support.NOT_PROBED; // needs a program or kernel struct to extend
            }
            default -> {
            }
        }
        // r0 = 0 (or 1 where a return of 0 is refused); exit
        int ret = type == ProgType.CGROUP_SOCKOPT ? 1 : 0;
        byte[] insns = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0xb7).put((byte) 0).putShort((short) 0).putInt(ret)
                .put((byte) 0x95).put((byte) 0).putShort((short) 0).putInt(0).array();
        return loads(type, insns, attach, 0);
    }

    /** r0 = 0; exit. */
    private static final byte[] RETURN_0 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
            .put((byte) 0xb7).put((byte) 0).putShort((short) 0).putInt(0)
            .put((byte) 0x95).put((byte) 0).putShort((short) 0).putInt(0).array();

    private static Support probeHelper(HelperUse use) {
        // call helper (r1 still holds the context); r0 = 0; exit
        byte[] insns = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0x85).put((byte) 0).putShort((short) 0).putInt(use.helper().value)
                .put((byte) 0xb7).put((byte) 0).putShort((short) 0).putInt(0)
                .put((byte) 0x95).put((byte) 0).putShort((short) 0).putInt(0).array();
        return loads(use.type(), insns, null, 0);
    }

    private static Support loads(ProgType type, byte[] insns, AttachType attach, int attachBtfId) {
        int fd = load(type, insns, attach, attachBtfId);
        Native.closeQuietly(fd);
        return fd >= 0 ? Support.YES : Support.NO;
    }

    /** A program fd, or -errno. */
    private static int load(ProgType type, byte[] insns, AttachType attach, int attachBtfId) {
        NativeMemory code = Native.copyOf(insns);
        NativeMemory license = Native.cString("GPL");
        int flags = type == ProgType.SYSCALL ? 1 << 4 : 0; // syscall programs must be sleepable
        BpfSyscall.ProgLoadResult r = BpfSyscall.progLoad(new BpfSyscall.ProgLoadAttr(type.value, code.address(),
                insns.length / 8, license.address(), 0, flags, null, attach == null ? 0 : attach.value, 0, 0, 0, 0, 0, 0,
                0, 0, attachBtfId, 0, 0), 0, 0, 0);
        Reference.reachabilityFence(code);
        Reference.reachabilityFence(license);
        return r.fd();
    }
}
