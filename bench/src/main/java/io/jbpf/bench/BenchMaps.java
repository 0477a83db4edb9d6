package io.jbpf.bench;

import io.jbpf.BpfMap;
import io.jbpf.MapCursor;
import io.jbpf.spec.MapSpec;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.UpdateFlags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * The maps every map benchmark reads, pinned in one bpffs directory so the C reference
 * ({@code bench/c/ref.c}) opens the very same maps with {@code BPF_OBJ_GET}.
 *
 * <p>{@code bench/run.sh} creates them once ({@code main("create", DIR)}) and passes
 * {@code -Djbpf.bench.pins=DIR} to JMH and the directory to the C harness; every JMH fork then
 * opens the pins and leaves them alone. Run without that property (JMH started by hand), each
 * benchmark state creates, fills and pins its own set under a unique
 * {@code /sys/fs/bpf/jbpf_bench_*} directory and removes it in {@link #close()}.
 *
 * <p>All maps have u32 keys 0..n-1 and u64 values {@link #valueOf}(key) (per CPU: + cpu).
 */
public final class BenchMaps implements AutoCloseable {
    /** System property naming a directory already holding the pins (made by {@code create}). */
    public static final String PINS_PROPERTY = "jbpf.bench.pins";
    /** Entries per batch call, here and in ref.c. */
    public static final int BATCH_CAPACITY = 4096;
    /** The key single-element benchmarks look up and update. */
    public static final int KEY = 42;

    /** Pin file names are the enum names in lower case; ref.c uses the same names. */
    public enum Def {
        ARR256(MapType.ARRAY, 256, MapFlag.MMAPABLE),
        ARR64K(MapType.ARRAY, 65_536, MapFlag.MMAPABLE),
        HASH256(MapType.HASH, 256),
        HASH64K(MapType.HASH, 65_536),
        PCPU256(MapType.PERCPU_ARRAY, 256);

        final MapType type;
        final int entries;
        final MapFlag[] flags;

        Def(MapType type, int entries, MapFlag... flags) {
            this.type = type;
            this.entries = entries;
            this.flags = flags;
        }

        public String pinName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public int entries() {
            return entries;
        }

        static Def byPinName(String s) {
            return valueOf(s.toUpperCase(java.util.Locale.ROOT));
        }
    }

    private final Path dir;
    private final boolean owned;
    private final Map<Def, BpfMap> maps = new EnumMap<>(Def.class);

    private BenchMaps(Path dir, boolean owned) {
        this.dir = dir;
        this.owned = owned;
    }

    /** Opens the pinned set named by {@value #PINS_PROPERTY}, or creates a private one. */
    public static BenchMaps open() {
        String pins = System.getProperty(PINS_PROPERTY);
        if (pins != null && !pins.isEmpty()) {
            BenchMaps b = new BenchMaps(Path.of(pins), false);
            try {
                for (Def d : Def.values()) {
                    b.maps.put(d, BpfMap.fromPin(b.dir.resolve(d.pinName())));
                }
            } catch (RuntimeException e) {
                b.close();
                throw e;
            }
            return b;
        }
        return create(Path.of("/sys/fs/bpf", "jbpf_bench_" + ProcessHandle.current().pid() + "_" + System.nanoTime()), true);
    }

    /** Creates, fills and pins every map under {@code dir} (made here; it must not exist). */
    static BenchMaps create(Path dir, boolean owned) {
        BenchMaps b = new BenchMaps(dir, owned);
        try {
            Files.createDirectory(dir);
            for (Def d : Def.values()) {
                BpfMap m = BpfMap.create(MapSpec.of("bench_" + d.pinName(), d.type, 4, 8, d.entries, d.flags));
                b.maps.put(d, m);
                fill(m, d.entries);
                m.pin(dir.resolve(d.pinName()));
            }
        } catch (IOException e) {
            b.removePins();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            b.close();
            b.removePins();
            throw e;
        }
        return b;
    }

    static long valueOf(int key) {
        return 3L * key + 1;
    }

    private static void fill(BpfMap m, int entries) {
        try (MapCursor c = m.cursor()) {
            int slots = m.valueBufferSize() / 8;
            for (int k = 0; k < entries; k++) {
                c.key().putInt(0, k);
                for (int cpu = 0; cpu < slots; cpu++) {
                    c.value().putLong(cpu * 8, valueOf(k) + cpu);
                }
                c.update(UpdateFlags.ANY);
            }
        }
    }

    public BpfMap map(Def d) {
        return maps.get(d);
    }

    public BpfMap map(String pinName) {
        return maps.get(Def.byPinName(pinName));
    }

    /** Closes the fds; a set this process created is also unpinned (nothing is left in bpffs). */
    @Override
    public void close() {
        maps.values().forEach(BpfMap::close);
        if (owned) {
            removePins();
        }
    }

    private void removePins() {
        try {
            for (Def d : Def.values()) {
                Files.deleteIfExists(dir.resolve(d.pinName()));
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code create DIR}: make, fill and pin the maps under DIR, print {@code name id} lines and
     * exit (the pins keep the maps alive); {@code remove DIR}: delete the pins and DIR.
     */
    public static void main(String[] args) {
        if (args.length != 2 || !(args[0].equals("create") || args[0].equals("remove"))) {
            System.err.println("usage: BenchMaps create|remove /sys/fs/bpf/DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        if (args[0].equals("remove")) {
            new BenchMaps(dir, true).removePins();
            return;
        }
        try (BenchMaps b = create(dir, false)) {
            for (Def d : Def.values()) {
                System.out.println(d.pinName() + " " + b.map(d).id());
            }
        }
    }
}
