package io.jbpf.uapi;

import io.jbpf.common.BpfException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The {@code BPF_F_*} flags of {@code BPF_MAP_CREATE} ({@code map_flags}) from {@code linux/bpf.h}.
 * A map's flags are a set of these: {@link #fromBits} and {@link #toBits} convert to and from the
 * kernel's bit mask. Constants drop the {@code BPF_F_} prefix; {@link #kernelName()} gives it back.
 *
 * <p>{@code BPF_F_PATH_FD}, {@code BPF_F_VTYPE_BTF_OBJ_FD} and {@code BPF_F_TOKEN_FD} share the
 * kernel's enum but say which fields of a command carry an fd, something jbpf sets itself: they
 * are not here.
 */
public enum MapFlag {
    /** Hash maps allocate entries on update instead of all at creation. */
    NO_PREALLOC(1 << 0),
    /** LRU hash maps keep one LRU list per CPU instead of a common one. */
    NO_COMMON_LRU(1 << 1),
    /** The map is allocated on the NUMA node given with it ({@code numa_node}). */
    NUMA_NODE(1 << 2),
    /** The creating fd may only read the map (not kept as a property of the map). */
    RDONLY(1 << 3),
    /** The creating fd may only write the map (not kept as a property of the map). */
    WRONLY(1 << 4),
    /** Stack trace maps store build id and offset instead of addresses. */
    STACK_BUILD_ID(1 << 5),
    /** Hash maps use a zero hash seed (for tests only, says the kernel). */
    ZERO_SEED(1 << 6),
    /** Programs may only read the map (global {@code .rodata}). */
    RDONLY_PROG(1 << 7),
    /** Programs may only write the map. */
    WRONLY_PROG(1 << 8),
    /** Socket storage is cloned from the listener into accepted sockets. */
    CLONE(1 << 9),
    /** The array can be mmap()ed ({@code BpfMap.mmap}); global data maps are. */
    MMAPABLE(1 << 10),
    /** A perf event array keeps its events when the map's last fd closes. */
    PRESERVE_ELEMS(1 << 11),
    /** A map of maps may hold inner maps of any max_entries. */
    INNER_MAP(1 << 12),
    /** A struct_ops map registered and unregistered by a bpf_link. */
    LINK(1 << 13),
    /** User space faults on an arena page that is not there get SIGSEGV instead of a new page. */
    SEGV_ON_FAULT(1 << 17),
    /** Arena pointers the kernel hands out are not converted to user space addresses. */
    NO_USER_CONV(1 << 18);

    private static final MapFlag[] ALL = values();
    private static final int KNOWN = toBits(Set.of(ALL));

    /** The kernel's bit. */
    public final int value;

    MapFlag(int value) {
        this.value = value;
    }

    /** The name {@code linux/bpf.h} gives it: this constant's name with the {@code BPF_F_} prefix. */
    public String kernelName() {
        return "BPF_F_" + name();
    }

    /** The kernel's bit mask for {@code flags} (0 for none). */
    public static int toBits(Set<MapFlag> flags) {
        int bits = 0;
        for (MapFlag f : flags) {
            bits |= f.value;
        }
        return bits;
    }

    /**
     * The flags of a kernel bit mask, as an unmodifiable set. A bit this build does not know is
     * refused, so that no flag is silently dropped: {@code where} names the map in the message.
     *
     * @throws BpfException when {@code bits} holds a bit no constant stands for
     */
    public static Set<MapFlag> fromBits(String where, int bits) {
        int unknown = bits & ~KNOWN;
        if (unknown != 0) {
            throw new BpfException(where + ": map flags 0x" + Integer.toHexString(bits) + " include 0x"
                    + Integer.toHexString(unknown) + ", which this jbpf does not know (newer than this jbpf?); it knows "
                    + describe(EnumSet.allOf(MapFlag.class)));
        }
        EnumSet<MapFlag> out = EnumSet.noneOf(MapFlag.class);
        for (MapFlag f : ALL) {
            if ((bits & f.value) != 0) {
                out.add(f);
            }
        }
        return Collections.unmodifiableSet(out);
    }

    /** {@code "BPF_F_NO_PREALLOC | BPF_F_MMAPABLE"}, or {@code "0"} for no flags: for messages. */
    public static String describe(Set<MapFlag> flags) {
        if (flags.isEmpty()) {
            return "0";
        }
        StringJoiner j = new StringJoiner(" | ");
        for (MapFlag f : ALL) {
            if (flags.contains(f)) {
                j.add(f.kernelName());
            }
        }
        return j.toString();
    }
}
