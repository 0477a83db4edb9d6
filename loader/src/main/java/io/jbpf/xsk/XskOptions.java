package io.jbpf.xsk;

import io.jbpf.BpfMap;
import io.jbpf.uapi.MapType;
import java.util.EnumSet;
import java.util.Set;

/**
 * The sizes of a socket's rings (powers of two), how it is bound, and the XSKMAP it puts itself
 * in (keyed by its queue) while it is open, or null to leave the map to the caller.
 *
 * @param rxSize         RX ring entries
 * @param txSize         TX ring entries
 * @param fillSize       fill ring entries
 * @param completionSize completion ring entries
 * @param bindFlags      COPY or ZERO_COPY (neither: the kernel picks), USE_NEED_WAKEUP
 * @param xskMap         a BPF_MAP_TYPE_XSKMAP (e.g. {@link XskRedirect#map()}), or null
 */
public record XskOptions(int rxSize, int txSize, int fillSize, int completionSize, Set<BindFlag> bindFlags,
        BpfMap xskMap) {
    /** libxdp's defaults: 2048 entries per ring (XSK_RING_*__DEFAULT_NUM_DESCS), copy mode, need-wakeup, no map. */
    public static XskOptions defaults() {
        return new XskOptions(2048, 2048, 2048, 2048, EnumSet.of(BindFlag.COPY, BindFlag.USE_NEED_WAKEUP), null);
    }

    /** Checks the ring sizes (powers of two), that COPY and ZERO_COPY are not both asked for, and the map's type. */
    public XskOptions {
        for (int n : new int[] {rxSize, txSize, fillSize, completionSize}) {
            if (n <= 0 || (n & (n - 1)) != 0) {
                throw new IllegalArgumentException("AF_XDP ring size " + n + " is not a power of two");
            }
        }
        bindFlags = bindFlags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(bindFlags));
        if (bindFlags.contains(BindFlag.COPY) && bindFlags.contains(BindFlag.ZERO_COPY)) {
            throw new IllegalArgumentException("an AF_XDP socket is bound in COPY or ZERO_COPY mode, not both");
        }
        if (xskMap != null && xskMap.type() != MapType.XSKMAP) {
            throw new IllegalArgumentException("map " + xskMap.name() + " is a " + xskMap.type().kernelName()
                    + ", not a BPF_MAP_TYPE_XSKMAP: AF_XDP sockets go into XSKMAPs");
        }
    }

    /** These options with all four rings of {@code entries} entries. */
    public XskOptions withRingSizes(int entries) {
        return new XskOptions(entries, entries, entries, entries, bindFlags, xskMap);
    }

    /** These options with {@code flags} as the bind flags. */
    public XskOptions withBindFlags(Set<BindFlag> flags) {
        return new XskOptions(rxSize, txSize, fillSize, completionSize, flags, xskMap);
    }

    /** These options putting the socket into {@code map} (an XSKMAP) at its queue while it is open. */
    public XskOptions withXskMap(BpfMap map) {
        return new XskOptions(rxSize, txSize, fillSize, completionSize, bindFlags, map);
    }
}
