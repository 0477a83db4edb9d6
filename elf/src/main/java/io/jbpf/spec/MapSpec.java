package io.jbpf.spec;

import io.jbpf.uapi.MapType;
import java.util.Map;

/**
 * A map as the object file declares it, before it exists in the kernel.
 *
 * @param name            the symbol name (the kernel gets it truncated to 15 characters); for
 *                        global data, libbpf's name such as {@code myobj.rodata}
 * @param section         {@code .maps} for BTF-defined maps, {@code maps} for legacy ones, or the
 *                        data section ({@code .data}, {@code .rodata.str1.1} ...) it holds
 * @param offset          offset of the definition within its section (relocations point there)
 * @param type            {@code bpf_map_type} value (kept as int so unknown types still show)
 * @param keySize         key size in bytes
 * @param valueSize       value size in bytes
 * @param maxEntries      {@code max_entries}
 * @param flags           {@code map_flags}
 * @param numaNode        NUMA node, used when flags carry BPF_F_NUMA_NODE
 * @param mapExtra        {@code map_extra} (bloom filter hash count, arena address)
 * @param pinning         pinning mode as written (LIBBPF_PIN_* for BTF maps, iproute2 PIN_* for legacy)
 * @param btfKeyTypeId    BTF type id of the key, 0 when the map has no BTF
 * @param btfValueTypeId  BTF type id of the value (the DATASEC for global data), 0 without BTF
 * @param inner           for map-in-map types, the definition of the inner maps; else null
 * @param initialValues   slots filled at load time: index to the name of a program (prog arrays)
 *                        or a map (map-in-map), from {@code .values = { [i] = &x }}
 * @param data            for global data, the section's initial bytes; null for other maps
 */
public record MapSpec(String name, String section, long offset, int type, int keySize, int valueSize,
                      int maxEntries, int flags, int numaNode, long mapExtra, int pinning,
                      int btfKeyTypeId, int btfValueTypeId, MapSpec inner, Map<Integer, String> initialValues,
                      byte[] data) {

    /** LIBBPF_PIN_BY_NAME: pin under the pin root as the map's name, and reuse what is pinned there. */
    public static final int PIN_BY_NAME = 1;
    /** BPF_F_RDONLY_PROG: programs may only read the map (.rodata). */
    public static final int BPF_F_RDONLY_PROG = 1 << 7;
    /** BPF_F_MMAPABLE: the array can be mmap()ed. */
    public static final int BPF_F_MMAPABLE = 1 << 10;

    public MapSpec {
        initialValues = initialValues == null ? Map.of() : Map.copyOf(initialValues);
    }

    /** A map with no inner map, no initial slots and no data. */
    public MapSpec(String name, String section, long offset, int type, int keySize, int valueSize,
                   int maxEntries, int flags, int numaNode, long mapExtra, int pinning,
                   int btfKeyTypeId, int btfValueTypeId) {
        this(name, section, offset, type, keySize, valueSize, maxEntries, flags, numaNode, mapExtra, pinning,
                btfKeyTypeId, btfValueTypeId, null, Map.of(), null);
    }

    /** Kernel name of the map type. */
    public String typeName() {
        return MapType.nameOf(type);
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
    MapSpec withData(byte[] newData) {
        return new MapSpec(name, section, offset, type, keySize, valueSize, maxEntries, flags, numaNode, mapExtra,
                pinning, btfKeyTypeId, btfValueTypeId, inner, initialValues, newData.clone());
    }
}
