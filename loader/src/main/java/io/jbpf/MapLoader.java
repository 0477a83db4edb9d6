package io.jbpf;

import io.jbpf.uapi.Errno;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfFdType;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.PossibleCpus;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.MapSpec;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.UpdateFlags;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creates an object's maps as libbpf would: sizes adjusted where libbpf adjusts them, BTF where
 * the kernel accepts it, global data filled in and .rodata frozen, inner-map templates for
 * maps of maps, and pinned maps (libbpf's by-name, iproute2's object and global namespaces) reused
 * or pinned. Remembers what it pinned, so a failed load can take the pins back. Also creates a
 * single map from its spec alone ({@link #createAlone}, for {@link BpfMap#create}) the same way.
 */
final class MapLoader {
    private static final long PAGE_SIZE = Native.pageSize();
    private static final String KCONFIG_SECTION = ".kconfig";
    private final BpfObjectSpec spec;
    private final LoadOptions options;
    private final List<String> warnings;
    private final PinLog pinLog = new PinLog();

    MapLoader(BpfObjectSpec spec, LoadOptions options, List<String> warnings) {
        this.spec = spec;
        this.options = options;
        this.warnings = warnings;
    }

    /** Pins and directories made by this load (not those it reused), to take back if the load fails. */
    PinLog pinLog() {
        return pinLog;
    }

    /** Messages about this object's maps start with the object. */
    private String origin() {
        return spec.source() + ": ";
    }

    BpfMap load(MapSpec m, int btfFd) {
        Path pin = spec.pinPath(m, options.pinRoot()).orElse(null);
        if (pin != null) {
            BpfMap reused = reuse(m, pin);
            if (reused != null) {
                return reused;
            }
        }
        BpfMap map = create(origin(), m, btfFd, warnings);
        try {
            populate(m, map);
            if (pin != null) {
                // iproute2's tc/<hash> and tc/globals directories, or a pin root that is not there yet.
                pinLog.createDirectories(pin.getParent());
                pinLog.pin(map.fd(), pin, spec.source() + " map '" + m.name() + "'");
            }
            return map;
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
    }

    /** The map pinned at {@code pin} if there is one and it matches the definition; null if none. */
    private BpfMap reuse(MapSpec m, Path pin) {
        int fd = BpfSyscall.objGet(pin.toString());
        if (fd == -Errno.ENOENT) {
            return null;
        }
        if (fd < 0) {
            throw new BpfException(spec.source() + ": open pinned map '" + m.name() + "' at " + pin, -fd);
        }
        BpfFdType.require(fd, BpfFdType.MAP, spec.source() + ": map '" + m.name() + "' would reuse what is pinned at " + pin);
        BpfMap map = BpfMap.adopt(fd, m.name());
        KernelInfo.Map info = map.info();
        int maxEntries = maxEntries(m);
        if (info.type() != m.type() || info.keySize() != m.keySize() || info.valueSize() != m.valueSize()
                || info.maxEntries() != maxEntries || !info.flags().equals(m.flags())) {
            map.close();
            throw new BpfException(spec.source() + ": map '" + m.name() + "' cannot reuse the map pinned at " + pin
                    + ": it is " + describe(info.type(), info.keySize(), info.valueSize(), info.maxEntries(), info.flags())
                    + ", the object wants " + describe(m.type(), m.keySize(), m.valueSize(), maxEntries, m.flags()));
        }
        return map;
    }

    /**
     * The map {@code m} describes, on its own ({@link BpfMap#create}): as in an object load, but
     * without BTF and pinning; global data is filled in and .rodata frozen.
     */
    static BpfMap createAlone(MapSpec m) {
        if (m.section().equals(KCONFIG_SECTION)) {
            throw new BpfException("map '" + m.name() + "' holds the object's __kconfig values, which are worked out "
                    + "from all of the object's externs: load the whole object (BpfObject.load) to get it filled in");
        }
        BpfMap map = create("", m, -1, new ArrayList<>());
        try {
            fill("", m, map, m.data());
            return map;
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
    }

    /** {@code origin} starts messages (the object, or nothing for a map on its own). */
    private static BpfMap create(String origin, MapSpec m, int btfFd, List<String> warnings) {
        int innerFd = -1;
        try {
            if (m.inner() != null) {
                // The kernel takes the inner maps' shape from a template map, needed only while the outer is created.
                innerFd = createFd(origin, m.inner(), -1, 0, true, warnings);
            }
            int fd = createFd(origin, m, btfFd, Math.max(innerFd, 0), false, warnings);
            return BpfMap.adopt(fd, m.name());
        } finally {
            Native.closeQuietly(innerFd);
        }
    }

    private static int createFd(String origin, MapSpec m, int btfFd, int innerFd, boolean template,
                                List<String> warnings) {
        String kernelName = KernelInfo.kernelName(m.name());
        boolean withBtf = btfFd >= 0 && m.btfValueTypeId() != 0 && acceptsBtf(m.type());
        int maxEntries = maxEntries(m);
        int flags = MapFlag.toBits(m.flags());
        BpfSyscall.MapCreateAttr attr = new BpfSyscall.MapCreateAttr(m.type().value, m.keySize(), m.valueSize(), maxEntries,
                flags, kernelName, innerFd, m.numaNode(), withBtf ? btfFd : 0, withBtf ? m.btfKeyTypeId() : 0,
                withBtf ? m.btfValueTypeId() : 0, m.mapExtra());
        int fd = BpfSyscall.mapCreate(attr);
        if (fd < 0 && withBtf && fd != -Errno.EPERM) {
            // As libbpf does: a kernel that rejects the BTF description of a map still gets the map.
            int errno = -fd;
            fd = BpfSyscall.mapCreate(new BpfSyscall.MapCreateAttr(m.type().value, m.keySize(), m.valueSize(), maxEntries,
                    flags, kernelName, innerFd, m.numaNode(), 0, 0, 0, m.mapExtra()));
            if (fd >= 0) {
                warnings.add("map " + m.name() + " created without BTF: with BTF the kernel said " + Errno.describe(errno));
            }
        }
        if (fd == -Errno.EINVAL && Features.mapType(m.type()) == Features.Support.NO) {
            throw new BpfException(origin + "map '" + m.name() + "' is of type " + m.type().kernelName()
                    + ", which this kernel does not support", -fd);
        }
        if (fd < 0) {
            throw new BpfException(origin + "create " + (template ? "inner map template '" : "map '") + m.name()
                    + "' (" + describe(m.type(), m.keySize(), m.valueSize(), maxEntries, m.flags()) + ")"
                    + ObjectLoader.permissionHint(-fd), -fd);
        }
        return fd;
    }

    /** Global data: the section's bytes into entry 0, and .rodata frozen so programs may rely on it. */
    private void populate(MapSpec m, BpfMap map) {
        byte[] data = m.section().equals(KCONFIG_SECTION) ? Kconfig.render(spec.source(), spec.externs(), m.valueSize())
                : m.data();
        fill(origin(), m, map, data);
    }

    /** Writes {@code data} (null: none) into entry 0 and freezes a map programs may only read. */
    private static void fill(String origin, MapSpec m, BpfMap map, byte[] data) {
        if (data == null) {
            return;
        }
        boolean allZero = true;
        for (byte b : data) {
            allZero &= b == 0;
        }
        if (!allZero) {
            map.update(new byte[4], data, UpdateFlags.ANY);
        }
        if (m.flags().contains(MapFlag.RDONLY_PROG)) {
            int r = BpfSyscall.mapFreeze(map.fd());
            if (r < 0) {
                throw new BpfException(origin + "freeze map '" + m.name() + "'", -r);
            }
        }
    }

    /** Fills prog-array and map-in-map slots named in {@code .values}, once everything exists. */
    void fillSlots(MapSpec m, BpfMap map, Map<String, BpfProgram> programs, Map<String, BpfMap> maps) {
        for (Map.Entry<Integer, String> slot : m.initialValues().entrySet()) {
            String target = slot.getValue();
            int fd;
            if (m.type() == MapType.PROG_ARRAY) {
                BpfProgram p = programs.get(target);
                if (p == null) {
                    throw new BpfException(spec.source() + ": map '" + m.name() + "' slot " + slot.getKey()
                            + " wants program '" + target + "', which is not loaded");
                }
                fd = p.fd();
            } else {
                BpfMap inner = maps.get(target);
                if (inner == null) {
                    throw new BpfException(spec.source() + ": map '" + m.name() + "' slot " + slot.getKey()
                            + " wants map '" + target + "', which the object does not define");
                }
                fd = inner.fd();
            }
            byte[] key = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(slot.getKey()).array();
            byte[] value = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(fd).array();
            map.update(key, value, UpdateFlags.ANY);
        }
    }

    /** libbpf's adjustments: perf event arrays default to one slot per CPU, ring buffers to whole pages. */
    static int maxEntries(MapSpec m) {
        int n = m.maxEntries();
        if (m.type() == MapType.PERF_EVENT_ARRAY && n == 0) {
            return PossibleCpus.count();
        }
        if ((m.type() == MapType.RINGBUF || m.type() == MapType.USER_RINGBUF) && n > 0) {
            for (long mul = 1; mul * PAGE_SIZE <= Integer.MAX_VALUE; mul <<= 1) {
                if (mul * PAGE_SIZE >= Integer.toUnsignedLong(n)) {
                    return (int) (mul * PAGE_SIZE);
                }
            }
        }
        return n;
    }

    /** Map types whose kernel side rejects key/value BTF (libbpf leaves it off for them too). */
    private static boolean acceptsBtf(MapType type) {
        return switch (type) {
            case PERF_EVENT_ARRAY, CGROUP_ARRAY, STACK_TRACE,
                 ARRAY_OF_MAPS, HASH_OF_MAPS, DEVMAP,
                 DEVMAP_HASH, CPUMAP, XSKMAP, SOCKMAP,
                 SOCKHASH, QUEUE, STACK, STRUCT_OPS -> false;
            default -> true;
        };
    }

    /** "BPF_MAP_TYPE_HASH, key 4 B, value 8 B, 16 entries, flags BPF_F_NO_PREALLOC", for messages. */
    static String describe(MapType type, int key, int value, int maxEntries, Set<MapFlag> flags) {
        return type.kernelName() + ", key " + Integer.toUnsignedString(key) + " B, value " + Integer.toUnsignedString(value)
                + " B, " + Integer.toUnsignedString(maxEntries) + " entries, flags " + MapFlag.describe(flags);
    }
}
