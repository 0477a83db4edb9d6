package io.jbpf.spec;

import io.jbpf.uapi.MapType;

/**
 * A map as the object file declares it, before it exists in the kernel.
 *
 * @param name            the symbol name (the kernel gets it truncated to 15 characters)
 * @param section         {@code .maps} for BTF-defined maps, {@code maps} for legacy ones
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
 * @param btfValueTypeId  BTF type id of the value, 0 when the map has no BTF
 */
public record MapSpec(String name, String section, long offset, int type, int keySize, int valueSize,
                      int maxEntries, int flags, int numaNode, long mapExtra, int pinning,
                      int btfKeyTypeId, int btfValueTypeId) {

    /** Kernel name of the map type. */
    public String typeName() {
        return MapType.nameOf(type);
    }

    /** Defined the old way, as {@code struct bpf_map_def} in {@code SEC("maps")}. */
    public boolean legacy() {
        return !section.equals(BpfObjectSpec.MAPS_SECTION);
    }
}
