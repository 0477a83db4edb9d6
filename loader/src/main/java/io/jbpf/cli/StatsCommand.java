package io.jbpf.cli;

import static io.jbpf.cli.Text.fixed;
import static io.jbpf.cli.Text.left;
import static io.jbpf.cli.Text.right;

import io.jbpf.common.BpfException;
import io.jbpf.BpfMap;
import io.jbpf.LoadOptions;
import io.jbpf.uapi.Errno;
import io.jbpf.MapCursor;
import io.jbpf.link.XdpAttach;
import io.jbpf.link.XdpMode;
import io.jbpf.link.XdpStatus;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.XdpAction;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code jbpf stats --dev DEV}: live per-XDP-action counters of the program attached to a device,
 * like xdp_stats: packets, pps, bytes and Mbit/s each interval. The program's stats map is an
 * array (or per-CPU array) indexed by XDP action whose value starts with {@code __u64 rx_packets,
 * rx_bytes}, as in bpf-src/xdp_stats.h and the xdp-tutorial.
 *
 * <p>It follows the device, not the map it found first: before each report it asks the kernel
 * (one RTM_GETLINK) which program is attached. When another program replaced it, stats says so
 * and, if the new program has another stats map, restarts the rates from that map, as xdp_stats
 * does when the map id changes. When the program is detached or the device is gone, it stops
 * with a message and exit code 1 rather than printing a dead map's frozen counters.
 */
final class StatsCommand extends CliCommand {
    private final OptionSpec deviceOpt = option("DEV", String.class, "device whose XDP program's map to read", "--dev", "-d");
    private final OptionSpec pinDirOpt = optionalValue("DIR", Path.class, "",
            "read the map pinned as DIR/NAME instead (as xdp_stats reads /sys/fs/bpf/DEV/xdp_stats_map): it outlives "
            + "reloads of the program that reuse it; DIR defaults to /sys/fs/bpf/DEV", "--pin-dir");
    private final OptionSpec mapOpt = optionWithDefault("NAME", String.class, "xdp_stats_map",
            "the program's stats map (default: ${DEFAULT-VALUE})", "--map");
    private final OptionSpec intervalOpt = checked("TIME", Long.class, DurationConverter.interval(), "1s",
            "time between reports, from 10ms to 1h: " + DurationConverter.FORMS + " (default: ${DEFAULT-VALUE})",
            "--interval", "-i");
    private final OptionSpec countOpt = checked("N", Integer.class,
            new IntRangeConverter(0, Integer.MAX_VALUE, "a number of reports"), null,
            "stop after N reports; 0 or no --count: until interrupted, or until the program or the device is gone",
            "--count", "-c");
    private final OptionSpec jsonOpt = flag("one JSON object per report (and one per program change)", "--json");

    private static final int ACTIONS = XdpAction.values().length;

    private String device;
    private String mapName;
    /** The pin read with --pin-dir; null when following the device's program. */
    private Path pinned;
    private boolean json;

    /** The stats map being read, its cursor, and the u64 counters per action and CPU slot. */
    private BpfMap map;
    private MapCursor cursor;
    private int slots;
    private int slotSize;
    private long[] prev;
    private long[] cur;
    private long prevTime;
    /** Per action: total packets, total bytes, packet increase, byte increase (u64 each). */
    private final long[] sums = new long[4];

    StatsCommand() {
        super("stats", "Show live per-action packet and byte rates of the XDP program on a device.");
        spec.usageMessage().footer("", "Follows the device: when another program replaces the one on it, says so and, if "
                + "the new program has its own stats map, restarts the rates from that map. Stops with exit code 1 when "
                + "the program is detached or the device is gone. A counter that went down was reset: its rate counts "
                + "from 0.");
    }

    @Override
    public Integer call() throws InterruptedException {
        device = deviceOpt.getValue();
        mapName = mapOpt.getValue();
        json = isSet(jsonOpt);
        Integer count = countOpt.getValue();
        long periodNs = intervalOpt.<Long>getValue();
        Path pinDir = pinDirOpt.getValue();
        if (pinDir != null) {
            if (pinDir.toString().isEmpty()) {
                if (device == null) {
                    throw usageError("--pin-dir without a directory reads /sys/fs/bpf/DEV: give --dev DEV or --pin-dir=DIR");
                }
                pinDir = LoadOptions.DEFAULT_PIN_ROOT.resolve(device);
            }
            return followPin(pinDir.resolve(mapName), count, periodNs);
        }
        if (device == null) {
            throw usageError("Missing required option: --dev DEV (or --pin-dir DIR for a pinned map)");
        }
        XdpStatus attached = XdpAttach.query(device);
        try {
            watch(statsMap(attached));
            PrintWriter out = out();
            if (!json) {
                out.println("Collecting stats from map " + map.info().name() + " (id " + map.id() + ") of the XDP program on "
                        + device + " every " + fixed(periodNs / 1e9, 3) + "s");
            }
            for (int n = 0; count == null || count == 0 || n < count; ) {
                Thread.sleep(periodNs / 1_000_000, (int) (periodNs % 1_000_000));
                XdpStatus now = stillAttached(attached);
                if (!sameProgram(now, attached)) {
                    BpfMap next;
                    try {
                        next = statsMap(now);
                    } catch (BpfException e) {
                        if (e.errno() != Errno.ENOENT) {
                            throw e;
                        }
                        continue; // replaced again while we looked: the next round sees where it settled
                    }
                    boolean newMap = next.id() != map.id();
                    changed(out, attached, now, next);
                    attached = now;
                    if (newMap) {
                        closeMap();
                        watch(next);
                        continue; // the new map's first reading is the base of its rates
                    }
                    next.close();
                }
                sampleAndReport(out);
                n++;
            }
        } finally {
            closeMap();
        }
        return 0;
    }

    /**
     * Reads the map pinned at {@code pin} every period. A map pinned there anew (the program was
     * reloaded without reusing it) is followed with its rates restarted; a pin that is gone stops
     * the command with exit code 1.
     */
    private int followPin(Path pin, Integer count, long periodNs) throws InterruptedException {
        pinned = pin;
        try {
            watch(openPinned(pin));
            PrintWriter out = out();
            if (!json) {
                out.println("Collecting stats from map " + map.info().name() + " (id " + map.id() + ") pinned at " + pin
                        + " every " + fixed(periodNs / 1e9, 3) + "s");
            }
            for (int n = 0; count == null || count == 0 || n < count; ) {
                Thread.sleep(periodNs / 1_000_000, (int) (periodNs % 1_000_000));
                BpfMap now = openPinned(pin);
                if (now.id() != map.id()) {
                    if (json) {
                        out.println(Json.write(Map.of("pin", pin.toString(), "event", "map_changed", "map_id", now.id(),
                                "previous_map_id", map.id())));
                    } else {
                        out.println();
                        out.println("Map pinned at " + pin + " changed: id " + map.id() + " -> " + now.id()
                                + ", rates restart from the new map");
                    }
                    out.flush();
                    closeMap();
                    watch(now);
                    continue;
                }
                now.close();
                sampleAndReport(out);
                n++;
            }
        } finally {
            closeMap();
        }
        return 0;
    }

    private BpfMap openPinned(Path pin) {
        try {
            return BpfMap.fromPin(pin);
        } catch (BpfException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new BpfException("no map pinned at " + pin + (map == null ? " (load the program with jbpf load "
                        + "--pin-maps, or name the pin directory with --pin-dir DIR)" : " any more; stopping"), Errno.ENOENT);
            }
            throw e;
        }
    }

    private void sampleAndReport(PrintWriter out) {
        sample(cur);
        long time = System.nanoTime();
        report(out, (time - prevTime) / 1e9);
        long[] t = prev;
        prev = cur;
        cur = t;
        prevTime = time;
    }

    private void closeMap() {
        if (cursor != null) {
            cursor.close();
            cursor = null;
        }
        if (map != null) {
            map.close();
            map = null;
        }
    }

    /** Reads {@code m} from now on (taking ownership of it): checks its shape and takes its first reading. */
    private void watch(BpfMap m) {
        if (m.type() != MapType.ARRAY && m.type() != MapType.PERCPU_ARRAY
                || m.keySize() != 4 || m.valueSize() < 16) {
            String shape = m.type().kernelName() + " with key " + m.keySize() + " B and value " + m.valueSize() + " B";
            m.close();
            throw new BpfException("map " + mapName + " is " + shape + "; jbpf stats reads an array indexed by XDP action "
                    + "whose value starts with __u64 rx_packets, rx_bytes");
        }
        map = m;
        cursor = m.cursor();
        slotSize = m.perCpu() ? m.valueStride() : m.valueBufferSize();
        slots = m.valueBufferSize() / slotSize;
        prev = new long[ACTIONS * 2 * slots];
        cur = new long[ACTIONS * 2 * slots];
        sample(prev);
        prevTime = System.nanoTime();
    }

    /**
     * The device's XDP state now; a {@link BpfException} (exit 1) when the device or its program is
     * gone. A device of the same name with another ifindex is another device: the one watched is gone.
     */
    private XdpStatus stillAttached(XdpStatus before) {
        XdpStatus now;
        try {
            now = XdpAttach.query(device);
        } catch (BpfException e) {
            if (e.errno() == Errno.ENODEV) {
                throw new BpfException("device '" + device + "' is gone (deleted, or moved to another network namespace); "
                        + "stopping", Errno.ENODEV);
            }
            throw e;
        }
        if (now.ifindex() != before.ifindex()) {
            throw new BpfException("device '" + device + "' (ifindex " + before.ifindex() + ") is gone; a new device of that "
                    + "name has ifindex " + now.ifindex() + "; stopping", Errno.ENODEV);
        }
        if (!now.hasProgram()) {
            throw new BpfException("the XDP program on " + device + ", " + programs(before) + ", was detached; stopping");
        }
        return now;
    }

    private static boolean sameProgram(XdpStatus a, XdpStatus b) {
        for (XdpMode m : XdpMode.values()) {
            if (a.progId(m) != b.progId(m)) {
                return false;
            }
        }
        return true;
    }

    /** "prog id 12 (native)", or one such per mode when several are in use. */
    private static String programs(XdpStatus s) {
        return s.modes().stream().map(m -> "prog id " + s.progId(m) + " (" + m.label + ")")
                .collect(Collectors.joining(", "));
    }

    private void changed(PrintWriter out, XdpStatus before, XdpStatus now, BpfMap next) {
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("dev", device);
            o.put("event", "program_changed");
            o.put("prog_ids", now.modes().stream().map(now::progId).toList());
            o.put("map_id", next.id());
            o.put("previous_prog_ids", before.modes().stream().map(before::progId).toList());
            o.put("previous_map_id", map.id());
            out.println(Json.write(o));
        } else if (next.id() != map.id()) {
            out.println();
            out.println("XDP program on " + device + " changed: " + programs(before) + " -> " + programs(now) + "; map "
                    + mapName + " id " + map.id() + " -> " + next.id() + ", rates restart from the new map");
        } else {
            out.println();
            out.println("XDP program on " + device + " changed: " + programs(before) + " -> " + programs(now)
                    + "; it uses the same map " + mapName + " (id " + map.id() + "), rates go on");
        }
        out.flush();
    }

    /** Packets and bytes per action and CPU slot, into {@code into[(a * slots + s) * 2]} and the next element. */
    private void sample(long[] into) {
        for (int a = 0; a < ACTIONS; a++) {
            int base = a * slots * 2;
            cursor.key().putInt(0, a);
            boolean found = a < map.maxEntries() && cursor.lookup();
            for (int s = 0; s < slots; s++) {
                into[base + 2 * s] = found ? cursor.value().getLong(s * slotSize) : 0;
                into[base + 2 * s + 1] = found ? cursor.value().getLong(s * slotSize + 8) : 0;
            }
        }
    }

    /** Totals and increases of action {@code a} into {@link #sums}; each CPU's counter is reset on its own. */
    private void sum(int a) {
        Arrays.fill(sums, 0);
        int base = a * slots * 2;
        for (int i = base; i < base + slots * 2; i += 2) {
            sums[0] += cur[i];
            sums[1] += cur[i + 1];
            sums[2] += CounterMath.increase(prev[i], cur[i]);
            sums[3] += CounterMath.increase(prev[i + 1], cur[i + 1]);
        }
    }

    private void report(PrintWriter out, double seconds) {
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            if (pinned != null) {
                o.put("pin", pinned.toString());
            } else {
                o.put("dev", device);
            }
            o.put("map_id", map.id());
            o.put("period_s", Math.round(seconds * 1e6) / 1e6);
            for (int a = 0; a < ACTIONS; a++) {
                sum(a);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("packets", CounterMath.json(sums[0]));
                row.put("bytes", CounterMath.json(sums[1]));
                row.put("pps", Math.rint(CounterMath.perSecond(sums[2], seconds) * 100) / 100);
                row.put("mbps", Math.rint(CounterMath.megabitsPerSecond(sums[3], seconds) * 1000) / 1000);
                o.put(XdpAction.nameOf(a), row);
            }
            out.println(Json.write(o));
            out.flush();
            return;
        }
        out.println();
        out.println(left("action", 14) + " " + right("packets", 14) + " " + right("pps", 12) + " " + right("bytes", 16) + " "
                + right("Mbit/s", 10) + "   period " + fixed(seconds, 3) + "s");
        for (int a = 0; a < ACTIONS; a++) {
            sum(a);
            out.println(left(XdpAction.nameOf(a), 14) + " " + right(CounterMath.text(sums[0]), 14) + " "
                    + right(fixed(CounterMath.perSecond(sums[2], seconds), 0), 12) + " " + right(CounterMath.text(sums[1]), 16)
                    + " " + right(fixed(CounterMath.megabitsPerSecond(sums[3], seconds), 3), 10));
        }
        out.flush();
    }

    /** The stats map of the XDP program(s) in {@code s}, open. */
    private BpfMap statsMap(XdpStatus s) {
        List<BpfMap> matches = DeviceMaps.named(DeviceMaps.ofXdpProgram(s, device, "stats to show"), mapName);
        if (matches.isEmpty()) {
            throw new BpfException("the XDP program on " + device + ", " + programs(s) + ", has no map named " + mapName);
        }
        matches.subList(1, matches.size()).forEach(BpfMap::close);
        return matches.get(0);
    }
}
