package io.jbpf;

import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.BpfFunc;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.ProgType;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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

    /** Every probe, by name, for {@code jbpf features}. */
    public static Map<String, Support> all() {
        Map<String, Support> out = new LinkedHashMap<>();
        for (MapType t : MapType.values()) {
            if (t != MapType.UNSPEC) {
                out.put(t.name(), mapType(t));
            }
        }
        for (ProgType t : ProgType.values()) {
            if (t != ProgType.UNSPEC) {
                out.put(t.name(), progType(t));
            }
        }
        return out;
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
            case TRACING, EXT, LSM, STRUCT_OPS,
                 NETFILTER, UNSPEC -> {
                return Support.NOT_PROBED; // needs an attach target (a BTF id) to load at all
            }
            default -> {
            }
        }
        // r0 = 0 (or 1 where a return of 0 is refused); exit
        int ret = type == ProgType.CGROUP_SOCKOPT ? 1 : 0;
        byte[] insns = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0xb7).put((byte) 0).putShort((short) 0).putInt(ret)
                .put((byte) 0x95).put((byte) 0).putShort((short) 0).putInt(0).array();
        return loads(type, insns, attach);
    }

    private static Support probeHelper(HelperUse use) {
        // call helper (r1 still holds the context); r0 = 0; exit
        byte[] insns = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0x85).put((byte) 0).putShort((short) 0).putInt(use.helper().value)
                .put((byte) 0xb7).put((byte) 0).putShort((short) 0).putInt(0)
                .put((byte) 0x95).put((byte) 0).putShort((short) 0).putInt(0).array();
        return loads(use.type(), insns, null);
    }

    private static Support loads(ProgType type, byte[] insns, AttachType attach) {
        NativeMemory code = Native.copyOf(insns);
        NativeMemory license = Native.cString("GPL");
        int flags = type == ProgType.SYSCALL ? 1 << 4 : 0; // syscall programs must be sleepable
        BpfSyscall.ProgLoadResult r = BpfSyscall.progLoad(new BpfSyscall.ProgLoadAttr(type.value, code.address(),
                insns.length / 8, license.address(), 0, flags, null, attach == null ? 0 : attach.value, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0), 0, 0, 0);
        Reference.reachabilityFence(code);
        Reference.reachabilityFence(license);
        Native.closeQuietly(r.fd());
        return r.fd() >= 0 ? Support.YES : Support.NO;
    }
}
