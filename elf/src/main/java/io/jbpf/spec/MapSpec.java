package io.jbpf.spec;

import io.jbpf.common.BpfException;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.MapType;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A map as the object file declares it, before it exists in the kernel; or made by hand with
 * {@link #of} for {@code BpfMap.create}.
 *
 * @param name            the symbol name (the kernel gets it truncated to 15 characters); for
 *                        global data, libbpf's name such as {@code myobj.rodata}
 * @param section         {@code .maps} for BTF-defined maps, {@code maps} for legacy ones, the
 *                        data section ({@code .data}, {@code .rodata.str1.1} ...) it holds, or empty
 *                        for a map made with {@link #of}
 * @param offset          offset of the definition within its section (relocations point there)
 * @param type            the map type; an object naming a type this jbpf does not know is refused when read
 * @param keySize         key size in bytes
 * @param valueSize       value size in bytes
 * @param maxEntries      {@code max_entries}
 * @param flags           {@code map_flags}; an object with a flag this jbpf does not know is refused when read
 * @param numaNode        NUMA node, used when flags carry BPF_F_NUMA_NODE
 * @param mapExtra        {@code map_extra} (bloom filter hash count, arena address)
 * @param pinning         where the map is pinned and shared, decided from the definition's {@code pinning}
 *                        field by the convention of its format (libbpf's for BTF maps, iproute2's for
 *                        {@code struct bpf_elf_map})
 * @param btfKeyTypeId    BTF type id of the key, 0 when the map has no BTF
 * @param btfValueTypeId  BTF type id of the value (the DATASEC for global data), 0 without BTF
 * @param inner           for map-in-map types, the definition of the inner maps; else null
 * @param initialValues   slots filled at load time: index to the name of a program (prog arrays)
 *                        or a map (map-in-map), from {@code .values = { [i] = &x }}
 * @param data            for global data, the section's initial bytes; null for other maps
 */
public record MapSpec(String name, String section, long offset, MapType type, int keySize, int valueSize,
                      int maxEntries, Set<MapFlag> flags, int numaNode, long mapExtra, Pinning pinning,
                      int btfKeyTypeId, int btfValueTypeId, MapSpec inner, Map<Integer, String> initialValues,
                      byte[] data) {

    /**
     * How a map is pinned in bpffs and so shared with other loads. The same number in the
     * {@code pinning} field means different things to libbpf (BTF maps) and to iproute2 (legacy
     * {@code struct bpf_elf_map}), so the reader decides the mode once and the loader only reads this.
     */
    public enum Pinning {
        /** Not pinned: every load creates its own map. */
        NONE,
        /** libbpf's LIBBPF_PIN_BY_NAME (1 in a BTF map): {@code <pin root>/<map name>}, reused by any object. */
        BY_NAME,
        /**
         * iproute2's PIN_OBJECT_NS (1 in a bpf_elf_map): {@code <pin root>/tc/<SHA-1 of the object file>/<map name>},
         * shared only by loads of the same object file.
         */
        OBJECT_NS,
        /** iproute2's PIN_GLOBAL_NS (2 in a bpf_elf_map): {@code <pin root>/tc/globals/<map name>}, shared by name. */
        GLOBAL_NS;

        /** libbpf's meaning of a BTF map's {@code pinning}: LIBBPF_PIN_NONE (0) or LIBBPF_PIN_BY_NAME (1). */
        public static Pinning ofLibbpf(String where, int value) {
            return switch (value) {
                case 0 -> NONE;
                case 1 -> BY_NAME;
                default -> throw new BpfException(where + ": pinning " + value + " is not a libbpf pinning mode "
                        + "(LIBBPF_PIN_NONE = 0, LIBBPF_PIN_BY_NAME = 1)");
            };
        }

        /** iproute2's meaning of a {@code struct bpf_elf_map}'s {@code pinning}: PIN_NONE, PIN_OBJECT_NS, PIN_GLOBAL_NS. */
        public static Pinning ofIproute2(String where, int value) {
            return switch (value) {
                case 0 -> NONE;
                case 1 -> OBJECT_NS;
                case 2 -> GLOBAL_NS;
                default -> throw new BpfException(where + ": pinning " + value + " is an iproute2 custom pinning "
                        + "(from /etc/iproute2/bpf_pinning), which jbpf does not support; it knows PIN_NONE = 0, "
                        + "PIN_OBJECT_NS = 1 and PIN_GLOBAL_NS = 2");
            };
        }
    }

    /** Null flags, pinning and slots stand for none; the flags are kept as an unmodifiable copy. */
    public MapSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(type, "type");
        flags = flags == null || flags.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(flags));
        pinning = pinning == null ? Pinning.NONE : pinning;
        initialValues = initialValues == null ? Map.of() : Map.copyOf(initialValues);
    }

    /** A map with no inner map, no initial slots and no data. */
    public MapSpec(String name, String section, long offset, MapType type, int keySize, int valueSize,
                   int maxEntries, Set<MapFlag> flags, int numaNode, long mapExtra, Pinning pinning,
                   int btfKeyTypeId, int btfValueTypeId) {
        this(name, section, offset, type, keySize, valueSize, maxEntries, flags, numaNode, mapExtra, pinning,
                btfKeyTypeId, btfValueTypeId, null, Map.of(), null);
    }

    /**
     * A map made by hand, for {@code BpfMap.create}: no BTF, not pinned, no initial contents, and
     * {@code flags} such as {@link MapFlag#NO_PREALLOC} or {@link MapFlag#MMAPABLE}. (A map of
     * maps also needs its inner maps' shape, {@code inner}: give it through the canonical
     * constructor.)
     */
    public static MapSpec of(String name, MapType type, int keySize, int valueSize, int maxEntries, MapFlag... flags) {
        return new MapSpec(name, "", 0, type, keySize, valueSize, maxEntries, Set.copyOf(List.of(flags)), 0, 0,
                Pinning.NONE, 0, 0);
    }

    /** Defined the old way, as {@code struct bpf_map_def} in {@code SEC("maps")}. */
    public boolean legacy() {
        return section.equals(BpfObjectSpec.LEGACY_MAPS_SECTION);
    }

    /** Holds a data section ({@code .data}, {@code .rodata}, {@code .bss} ...): libbpf's internal maps. */
    public boolean internal() {
        return data != null;
    }

    /** A copy of the initial contents of a global-data map (null for other maps). */
    @Override
    public byte[] data() {
        return data == null ? null : data.clone();
    }

    /** This spec with other initial contents for its global data. */
    /** This map pinned as {@code how} instead of as its definition says. */
    public MapSpec withPinning(Pinning how) {
        return new MapSpec(name, section, offset, type, keySize, valueSize, maxEntries, flags, numaNode, mapExtra,
                how, btfKeyTypeId, btfValueTypeId, inner, initialValues, data);
    }

    MapSpec withData(byte[] newData) {
        return new MapSpec(name, section, offset, type, keySize, valueSize, maxEntries, flags, numaNode, mapExtra,
                pinning, btfKeyTypeId, btfValueTypeId, inner, initialValues, newData.clone());
    }
}
