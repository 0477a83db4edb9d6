package io.jbpf.cli;

import static io.jbpf.cli.Text.left;
import static io.jbpf.cli.Text.right;
import static io.jbpf.cli.Text.fixed;

import io.jbpf.BpfException;
import io.jbpf.BpfMap;
import io.jbpf.MapCursor;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.XdpAction;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code jbpf stats --dev DEV}: live per-XDP-action counters of the program attached to a device,
 * like xdp_stats: packets, pps, bytes and Mbit/s each interval. The program's stats map is an
 * array (or per-CPU array) indexed by XDP action whose value starts with {@code __u64 rx_packets,
 * rx_bytes}, as in bpf-src/xdp_stats.h and the xdp-tutorial.
 */
final class StatsCommand extends CliCommand {
    private final OptionSpec deviceOpt = required("DEV", String.class, "device", "--dev", "-d");
    private final OptionSpec mapOpt = optionWithDefault("NAME", String.class, "xdp_stats_map",
            "the program's stats map (default: ${DEFAULT-VALUE})", "--map");
    private final OptionSpec intervalOpt = optionWithDefault("TIME", String.class, "1s",
            "time between reports: 1s, 500ms, 2.5 (seconds) (default: ${DEFAULT-VALUE})", "--interval", "-i");
    private final OptionSpec countOpt = optionWithDefault("N", int.class, "0", "stop after N reports (default: until interrupted)",
            "--count", "-c");
    private final OptionSpec jsonOpt = flag("one JSON object per report", "--json");

    private String device;
    private String mapName;
    private boolean json;

    StatsCommand() {
        super("stats", "Show live per-action packet and byte rates of the XDP program on a device.");
    }

    private static final int ACTIONS = XdpAction.values().length;

    @Override
    public Integer call() throws InterruptedException {
        device = deviceOpt.getValue();
        mapName = mapOpt.getValue();
        json = isSet(jsonOpt);
        int count = countOpt.<Integer>getValue();
        long periodNs = parseInterval(intervalOpt.getValue());
        try (BpfMap map = statsMap()) {
            if (map.type() != MapType.BPF_MAP_TYPE_ARRAY.value && map.type() != MapType.BPF_MAP_TYPE_PERCPU_ARRAY.value
                    || map.keySize() != 4 || map.valueSize() < 16) {
                throw new BpfException("map " + mapName + " is " + MapType.nameOf(map.type()) + " with key " + map.keySize()
                        + " B and value " + map.valueSize() + " B; jbpf stats reads an array indexed by XDP action whose "
                        + "value starts with __u64 rx_packets, rx_bytes");
            }
            MapCursor cursor = map.cursor();
            PrintWriter out = out();
            if (!json) {
                out.println("Collecting stats from map " + map.info().name() + " (id " + map.id() + ") of the XDP program on "
                        + device + " every " + Text.fixed(periodNs / 1e9, 3) + "s");
            }
            long[] prev = new long[ACTIONS * 2];
            long[] cur = new long[ACTIONS * 2];
            read(cursor, map, prev);
            long prevTime = System.nanoTime();
            for (int n = 0; count == 0 || n < count; n++) {
                Thread.sleep(periodNs / 1_000_000, (int) (periodNs % 1_000_000));
                read(cursor, map, cur);
                long now = System.nanoTime();
                report(out, prev, cur, (now - prevTime) / 1e9);
                System.arraycopy(cur, 0, prev, 0, cur.length);
                prevTime = now;
            }
        }
        return 0;
    }

    /** Packets and bytes per action, summed over CPUs, into {@code into[2a]} and {@code into[2a+1]}. */
    private static void read(MapCursor c, BpfMap map, long[] into) {
        int slot = map.perCpu() ? map.valueStride() : map.valueBufferSize();
        int slots = map.valueBufferSize() / slot;
        for (int a = 0; a < ACTIONS; a++) {
            into[2 * a] = 0;
            into[2 * a + 1] = 0;
            if (a >= map.maxEntries()) {
                continue;
            }
            c.key().putInt(0, a);
            if (!c.lookup()) {
                continue;
            }
            for (int s = 0; s < slots; s++) {
                into[2 * a] += c.value().getLong(s * slot);
                into[2 * a + 1] += c.value().getLong(s * slot + 8);
            }
        }
    }

    private void report(PrintWriter out, long[] prev, long[] cur, double seconds) {
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("dev", device);
            o.put("period_s", Math.round(seconds * 1e6) / 1e6);
            for (int a = 0; a < ACTIONS; a++) {
                long pkts = cur[2 * a] - prev[2 * a];
                long bytes = cur[2 * a + 1] - prev[2 * a + 1];
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("packets", cur[2 * a]);
                row.put("bytes", cur[2 * a + 1]);
                row.put("pps", Math.round(pkts / seconds * 100) / 100.0);
                row.put("mbps", Math.round(bytes * 8 / seconds / 1e6 * 1000) / 1000.0);
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
            long pkts = cur[2 * a] - prev[2 * a];
            long bytes = cur[2 * a + 1] - prev[2 * a + 1];
            out.println(left(XdpAction.nameOf(a), 14) + " " + right(cur[2 * a], 14) + " " + right(fixed(pkts / seconds, 0), 12)
                    + " " + right(cur[2 * a + 1], 16) + " " + right(fixed(bytes * 8 / seconds / 1e6, 3), 10));
        }
        out.flush();
    }

    /** The stats map of the XDP program attached to the device. */
    private BpfMap statsMap() {
        List<BpfMap> matches = DeviceMaps.named(DeviceMaps.ofXdpProgram(device, "stats to show"), mapName);
        if (matches.isEmpty()) {
            throw new BpfException("the XDP program on " + device + " has no map named " + mapName);
        }
        matches.subList(1, matches.size()).forEach(BpfMap::close);
        return matches.get(0);
    }

    static long parseInterval(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        double factor = 1e9;
        if (t.endsWith("ms")) {
            factor = 1e6;
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            double v = Double.parseDouble(t);
            if (v <= 0) {
                throw new NumberFormatException();
            }
            return (long) (v * factor);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("interval '" + s + "' is not a positive time such as 1s, 500ms or 2.5");
        }
    }
}
