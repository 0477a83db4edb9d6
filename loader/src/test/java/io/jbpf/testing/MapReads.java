package io.jbpf.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.jbpf.BpfMap;
import io.jbpf.MapBatch;
import io.jbpf.MapCursor;
import io.jbpf.MmapArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The contents of a map read through each of jbpf's paths, as {hex key -> hex value} maps so
 * that they compare with {@code equals} and print readably. Every reader fails on a key seen
 * twice in one pass.
 */
public final class MapReads {
    private static final HexFormat HEX = HexFormat.of();

    private MapReads() {
    }

    /** What a batch pass returned: the contents, how many chunks it took, the largest chunk. */
    public record BatchPass(Map<String, String> contents, int chunks, int largestChunk) {
    }

    /** Through {@link BpfMap#entries()} (get_next_key + lookup with byte[]). */
    public static Map<String, String> entries(BpfMap m) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<byte[], byte[]> e : m.entries()) {
            put(out, e.getKey(), e.getValue(), "entries() of " + m.name());
        }
        return out;
    }

    /** Through a new {@link MapCursor}: next() + lookup() into its direct buffers. */
    public static Map<String, String> cursor(BpfMap m) {
        try (MapCursor c = m.cursor()) {
            return cursor(c, m);
        }
    }

    /** Through {@code c} from its first key (rewinds it first). */
    public static Map<String, String> cursor(MapCursor c, BpfMap m) {
        Map<String, String> out = new LinkedHashMap<>();
        c.rewind();
        byte[] k = new byte[m.keySize()];
        byte[] v = new byte[m.valueBufferSize()];
        while (c.next()) {
            if (!c.lookup()) {
                continue;
            }
            assertThat(c.key().capacity()).as("cursor key buffer").isEqualTo(m.keySize());
            assertThat(c.value().capacity()).as("cursor value buffer").isEqualTo(m.valueBufferSize());
            c.key().get(0, k);
            c.value().get(0, v);
            put(out, k, v, "cursor over " + m.name());
        }
        return out;
    }

    /** Through a new {@link MapBatch} of {@code capacity} (read() until it returns 0). */
    public static BatchPass batch(BpfMap m, int capacity) {
        try (MapBatch b = m.batch(capacity)) {
            return batch(b, m);
        }
    }

    /** Through {@code b} from the start of the map (rewinds it first). */
    public static BatchPass batch(MapBatch b, BpfMap m) {
        b.rewind();
        Map<String, String> out = new LinkedHashMap<>();
        int chunks = 0;
        int largest = 0;
        int ks = m.keySize();
        int vs = m.valueBufferSize();
        for (int n = b.read(); n > 0; n = b.read()) {
            assertThat(n).as("chunk size of a batch with capacity " + b.capacity()).isLessThanOrEqualTo(b.capacity());
            chunks++;
            largest = Math.max(largest, n);
            for (int i = 0; i < n; i++) {
                byte[] k = new byte[ks];
                byte[] v = new byte[vs];
                b.keys().get(i * ks, k);
                b.values().get(i * vs, v);
                put(out, k, v, "batch(" + b.capacity() + ") over " + m.name());
            }
        }
        assertThat(b.read()).as("read() after the last chunk").isZero();
        return new BatchPass(out, chunks, largest);
    }

    /** Through {@link BpfMap#lookup} of each key (absent keys are left out). */
    public static Map<String, String> perKey(BpfMap m, Collection<String> keys) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : keys) {
            byte[] v = m.lookup(HEX.parseHex(k));
            if (v != null) {
                out.put(k, HEX.formatHex(v));
            }
        }
        return out;
    }

    /** Through {@link MmapArray#snapshot(byte[])}: entry i under key le32(i), its first {@code valueSize} bytes. */
    public static Map<String, String> snapshot(MmapArray a, int valueSize) {
        byte[] all = new byte[a.entries() * a.stride()];
        a.snapshot(all);
        return arrayContents(ByteBuffer.wrap(all), a.entries(), a.stride(), valueSize);
    }

    /** Through {@link MmapArray#snapshot(ByteBuffer)} into a direct buffer. */
    public static Map<String, String> snapshotDirect(MmapArray a, int valueSize) {
        ByteBuffer all = ByteBuffer.allocateDirect(a.entries() * a.stride());
        a.snapshot(all);
        return arrayContents(all, a.entries(), a.stride(), valueSize);
    }

    /** Through {@link MmapArray#getLong} / {@link MmapArray#getInt}, 8 then 4 bytes at a time. */
    public static Map<String, String> getters(MmapArray a, int valueSize) {
        Map<String, String> out = new LinkedHashMap<>();
        ByteBuffer v = ByteBuffer.allocate(valueSize).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < a.entries(); i++) {
            v.clear();
            int off = 0;
            for (; off + 8 <= valueSize; off += 8) {
                v.putLong(off, a.getLong(i, off));
            }
            for (; off + 4 <= valueSize; off += 4) {
                v.putInt(off, a.getInt(i, off));
            }
            assertThat(off).as("value size %d is a multiple of 4", valueSize).isEqualTo(valueSize);
            out.put(hex(le32(i)), HEX.formatHex(v.array()));
        }
        return out;
    }

    private static Map<String, String> arrayContents(ByteBuffer all, int entries, int stride, int valueSize) {
        Map<String, String> out = new LinkedHashMap<>();
        byte[] v = new byte[valueSize];
        for (int i = 0; i < entries; i++) {
            all.get(i * stride, v);
            out.put(hex(le32(i)), HEX.formatHex(v));
        }
        return out;
    }

    private static void put(Map<String, String> out, byte[] k, byte[] v, String what) {
        String key = HEX.formatHex(k);
        if (out.put(key, HEX.formatHex(v)) != null) {
            fail(what + ": key " + key + " returned twice in one pass");
        }
    }

    /**
     * Asserts {@code actual} equals {@code expected}; on failure says how many keys are missing,
     * extra or different and shows the first few of each, not the whole (maybe huge) maps.
     */
    public static void assertSameContents(String what, Map<String, String> expected, Map<String, String> actual) {
        if (expected.equals(actual)) {
            return;
        }
        List<String> missing = new ArrayList<>();
        List<String> different = new ArrayList<>();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String got = actual.get(e.getKey());
            if (got == null) {
                missing.add(e.getKey());
            } else if (!got.equals(e.getValue())) {
                different.add(e.getKey() + ": expected " + e.getValue() + ", got " + got);
            }
        }
        TreeSet<String> extra = new TreeSet<>(actual.keySet());
        extra.removeAll(expected.keySet());
        fail(what + ": " + expected.size() + " entries expected, " + actual.size() + " read; " + missing.size()
                + " missing " + first(missing) + ", " + extra.size() + " extra " + first(new ArrayList<>(extra)) + ", "
                + different.size() + " different " + first(different));
    }

    private static List<String> first(List<String> l) {
        return l.subList(0, Math.min(5, l.size()));
    }

    public static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    public static byte[] unhex(String s) {
        return HEX.parseHex(s);
    }

    public static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    public static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    public static long u64(byte[] b, int off) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(off);
    }

    public static long u32(byte[] b, int off) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(off));
    }

    /**
     * A per-CPU value buffer: slot {@code cpu} (each {@code valueSize} rounded up to 8) starts with
     * the low {@code valueSize} bytes (4 or 8) of {@code perCpu[cpu]}; padding is zero.
     */
    public static byte[] perCpuValue(long[] perCpu, int valueSize) {
        int slot = (valueSize + 7) & ~7;
        ByteBuffer b = ByteBuffer.allocate(slot * perCpu.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int cpu = 0; cpu < perCpu.length; cpu++) {
            if (valueSize == 8) {
                b.putLong(cpu * slot, perCpu[cpu]);
            } else if (valueSize == 4) {
                b.putInt(cpu * slot, (int) perCpu[cpu]);
            } else {
                throw new IllegalArgumentException("value size " + valueSize);
            }
        }
        return b.array();
    }

    /** The u64 (or u32 when {@code valueSize} is 4) counters of a per-CPU value, summed over CPUs. */
    public static long sumPerCpu(byte[] v, int valueSize) {
        int slot = (valueSize + 7) & ~7;
        assertThat(v.length % slot).as("per-CPU value of %d bytes in %d-byte slots", v.length, slot).isZero();
        long sum = 0;
        for (int off = 0; off < v.length; off += slot) {
            sum += valueSize == 4 ? u32(v, off) : u64(v, off);
        }
        return sum;
    }

    /** SplitMix64: a fixed pseudo-random pattern, {@code mix(i)} for entry i. */
    public static long mix(long i) {
        long z = i * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
