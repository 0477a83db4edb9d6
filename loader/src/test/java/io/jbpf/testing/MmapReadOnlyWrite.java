package io.jbpf.testing;

import io.jbpf.BpfMap;
import io.jbpf.MmapAccess;
import io.jbpf.MmapArray;
import io.jbpf.spec.MapSpec;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.MapType;

/**
 * Run in a child JVM by MapPollingIT (a SIGSEGV must not take the test JVM down): maps a
 * BPF_F_MMAPABLE array read-only and tries {@code putLong} through it. Prints "mapped", then
 * "threw CLASS: MESSAGE" or "wrote", then the value of entry 0 as seen by a lookup.
 */
public final class MmapReadOnlyWrite {
    private MmapReadOnlyWrite() {
    }

    public static void main(String[] args) {
        try (BpfMap m = BpfMap.create(MapSpec.of("ro_probe", MapType.ARRAY, 4, 8, 4, MapFlag.MMAPABLE));
                MmapArray a = m.mmap(MmapAccess.READ_ONLY)) {
            System.out.println("mapped");
            System.out.flush();
            try {
                a.putLong(0, 0, 42);
                System.out.println("wrote");
            } catch (RuntimeException e) {
                System.out.println("threw " + e.getClass().getName() + ": " + e.getMessage());
            }
            System.out.println("lookup " + MapReads.u64(m.lookup(MapReads.le32(0)), 0));
        }
    }
}
