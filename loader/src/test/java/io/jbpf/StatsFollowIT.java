package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.BpfFs;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TestEnv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code jbpf stats} follows the device it watches: a program that replaces the one on it is
 * read from its own map, and a detached program or a deleted device stops stats with exit 1.
 * A counter reset by hand (bpftool) shows no negative rate. stats runs as a child process
 * (through testenv.sh) while the test changes the device under it.
 */
class StatsFollowIT {
    /** A JSON report: map id (absent before stats named it), XDP_TX packets, bytes, pps, mbps. */
    private static final Pattern REPORT = Pattern.compile("\\{\"dev\":\"[^\"]*\",(?:\"map_id\":(\\d+),)?.*\"XDP_TX\":\\{"
            + "\"packets\":(-?\\d+),\"bytes\":(-?\\d+),\"pps\":(-?[0-9.E]+),\"mbps\":(-?[0-9.E]+)\\}");
    private static final Pattern CHANGE = Pattern.compile("\"event\":\"program_changed\",\"prog_ids\":\\[(\\d+)\\],"
            + "\"map_id\":(\\d+),\"previous_prog_ids\":\\[(\\d+)\\],\"previous_map_id\":(\\d+)");

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    /** One JSON report's map id and XDP_TX numbers. */
    private record Tx(int mapId, long packets, double pps) {
    }

    @Test
    void followsTheProgramThatReplacedItsProgramThenStopsWhenItIsDetached() throws Exception {
        try (TestEnv env = TestEnv.setup("--no-echo")) {
            load(env, "--dev", env.name);
            int firstProg = progId(env);
            try (Stats stats = Stats.start(env, "--interval", "200ms", "--json")) {
                stats.await("a first report", out -> !reports(out).isEmpty());
                assertThat(pings(env, 5)).isEqualTo(5);
                stats.await("5 XDP_TX in the first map", out -> reports(out).stream().anyMatch(t -> t.packets() == 5));
                int firstMap = reports(stats.out()).get(0).mapId();

                load(env, "--dev", env.name, "--force");
                int secondProg = progId(env);
                assertThat(secondProg).isNotEqualTo(firstProg);
                Matcher change = CHANGE.matcher(stats.await("the program change", out -> CHANGE.matcher(out).find()));
                assertThat(change.find()).isTrue();
                int secondMap = Integer.parseInt(change.group(2));
                assertThat(Integer.parseInt(change.group(1))).as("new program, as ip link shows it").isEqualTo(secondProg);
                assertThat(Integer.parseInt(change.group(3))).isEqualTo(firstProg);
                assertThat(Integer.parseInt(change.group(4))).isEqualTo(firstMap);
                assertThat(secondMap).isNotEqualTo(firstMap);
                assertThat(mapIdsOf(secondProg)).as("bpftool: the new program's maps").contains(secondMap);

                assertThat(pings(env, 20)).isEqualTo(20);
                stats.await("20 XDP_TX in the new map",
                        out -> reports(after(out, change.end())).stream().anyMatch(t -> t.packets() == 20));
                List<Tx> later = reports(after(stats.out(), change.end()));
                assertThat(later).as("every report after the change reads the new map").allMatch(t -> t.mapId() == secondMap);
                assertThat(later).extracting(Tx::packets).as("the new map's counts, from 0").isSorted().allMatch(p -> p <= 20);
                assertThat(later).as("its rates: the 20 pings flowed").anyMatch(t -> t.pps() > 5);

                Sh.Result unload = env.t("unload");
                assertThat(unload.exit()).as(unload.all()).isZero();
                int exit = stats.awaitExit();
                assertThat(exit).as(stats.err()).isEqualTo(1);
                assertThat(stats.err()).contains("the XDP program on " + env.name + ", prog id " + secondProg
                        + " (native), was detached; stopping");
            }
        }
    }

    @Test
    void followsAReplacementThatSharesTheMapWithoutLosingItsCounts() throws Exception {
        try (TestEnv env = TestEnv.setup("--no-echo"); BpfFs fs = new BpfFs()) {
            // xdp_multi's programs share one xdp_stats_map; pinned, ip attaches one and then the other
            Sh.Result pinned = Sh.run(Kernel.root().resolve("jbpf").toString(), "load", Objects.str("xdp_multi.o"), "--pin",
                    fs.dir.toString());
            assertThat(pinned.exit()).as(pinned.all()).isZero();
            // pass first: the peer resolves the neighbour and its pings go out (and are counted) after the drop too
            attachPinned(env, fs.dir.resolve("xdp_multi_pass"));
            int passProg = progId(env);
            int map = statsMapId(passProg);
            try (Stats stats = Stats.start(env, "--interval", "200ms", "--json")) {
                stats.await("a first report", out -> !reports(out).isEmpty());
                pings(env, 3);
                stats.await("3 XDP_PASS", out -> lastPackets(out, "XDP_PASS") >= 3);

                attachPinned(env, fs.dir.resolve("xdp_multi_drop"));
                int dropProg = progId(env);
                Matcher change = CHANGE.matcher(stats.await("the program change", out -> CHANGE.matcher(out).find()));
                assertThat(change.find()).isTrue();
                assertThat(List.of(change.group(1), change.group(3))).containsExactly(String.valueOf(dropProg),
                        String.valueOf(passProg));
                assertThat(List.of(change.group(2), change.group(4))).as("the same map, as bpftool shows it")
                        .containsOnly(String.valueOf(map));
                long passed = lastPackets(stats.out(), "XDP_PASS");

                pings(env, 4);
                stats.await("4 XDP_DROP", out -> lastPackets(after(out, change.end()), "XDP_DROP") >= 4);
                String later = after(stats.out(), change.end());
                assertThat(reports(later)).as("still the shared map").allMatch(t -> t.mapId() == map);
                assertThat(lastPackets(later, "XDP_PASS")).as("its counts go on").isGreaterThanOrEqualTo(passed);

                Sh.Result off = Sh.run("nsenter", "--net=/run/netns/" + env.xdpNs(), "ip", "link", "set", "dev", env.name,
                        "xdpdrv", "off");
                assertThat(off.exit()).as(off.all()).isZero();
                assertThat(stats.awaitExit()).as(stats.err()).isEqualTo(1);
                assertThat(stats.err()).contains("prog id " + dropProg + " (native), was detached");
            }
        }
    }

    @Test
    void stopsWhenTheReplacementHasNoStatsMap() throws Exception {
        try (TestEnv env = TestEnv.setup("--no-echo")) {
            load(env, "--dev", env.name);
            try (Stats stats = Stats.start(env, "--interval", "200ms")) {
                stats.await("the header", out -> out.contains("Collecting stats from map xdp_stats_map"));
                // xdp_legacy_maps counts in legacy SEC("maps") maps of its own: nothing named xdp_stats_map
                Sh.Result other = env.jbpf("load", Objects.str("xdp_legacy_maps.o"), "--dev", env.name, "--force");
                assertThat(other.exit()).as(other.all()).isZero();
                int otherProg = progId(env);
                assertThat(stats.awaitExit()).as(stats.err()).isEqualTo(1);
                assertThat(stats.err()).contains("the XDP program on " + env.name + ", prog id " + otherProg
                        + " (native), has no map named xdp_stats_map");
            }
        }
    }

    @Test
    void stopsWhenTheDeviceIsDeleted() throws Exception {
        try (TestEnv env = TestEnv.setup("--no-echo")) {
            load(env, "--dev", env.name);
            try (Stats stats = Stats.start(env, "--interval", "200ms")) {
                stats.await("a first report", out -> out.contains("XDP_TX"));
                Sh.Result del = Sh.run("ip", "-n", env.xdpNs(), "link", "del", "dev", env.name);
                assertThat(del.exit()).as(del.all()).isZero();
                int exit = stats.awaitExit();
                assertThat(exit).as(stats.err()).isEqualTo(1);
                assertThat(stats.err()).contains("device '" + env.name + "' is gone").contains("ENODEV");
            }
        }
    }

    @Test
    void aCounterResetByHandCountsFromZeroWithNoNegativeRate() throws Exception {
        try (TestEnv env = TestEnv.setup("--no-echo")) {
            load(env, "--dev", env.name);
            assertThat(pings(env, 20)).isEqualTo(20);
            try (Stats stats = Stats.start(env, "--interval", "200ms", "--json")) {
                stats.await("a report of the 20 packets", out -> reports(out).stream().anyMatch(t -> t.packets() == 20));
                int map = statsMapId(progId(env));
                // XDP_TX (key 3) back to 0 on every CPU: struct datarec { __u64 rx_packets, rx_bytes; }
                List<String> reset = new ArrayList<>(List.of("bpftool", "map", "update", "id", String.valueOf(map),
                        "key", "3", "0", "0", "0", "value"));
                for (int i = 0; i < 16; i++) {
                    reset.add("0");
                }
                Sh.Result r = Sh.run(reset);
                assertThat(r.exit()).as(r.all()).isZero();
                assertThat(pings(env, 3)).isEqualTo(3);
                stats.await("the 3 packets after the reset", out -> {
                    List<Tx> tx = reports(out);
                    return !tx.isEmpty() && tx.get(tx.size() - 1).packets() == 3;
                });
                List<Tx> tx = reports(stats.out());
                assertThat(tx).extracting(Tx::packets).contains(20L, 3L).allMatch(p -> p >= 0);
                assertThat(tx).extracting(Tx::pps).as("no negative rate across the reset").allMatch(pps -> pps >= 0)
                        .anyMatch(pps -> pps > 0);
                assertThat(stats.out()).doesNotContain(":-");
            }
        }
    }

    private static void load(TestEnv env, String... args) {
        List<String> cmd = new ArrayList<>(List.of("load", Objects.str("xdp_icmp_echo.o")));
        cmd.addAll(List.of(args));
        Sh.Result r = env.jbpf(cmd.toArray(String[]::new));
        assertThat(r.exit()).as(r.all()).isZero();
    }

    private static int pings(TestEnv env, int count) {
        Sh.Result r = env.t("ping", "-c", String.valueOf(count), "--", "-i", "0.05", "-W", "1");
        Matcher m = Pattern.compile("(\\d+) received").matcher(r.out());
        assertThat(m.find()).as(r.all()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** The XDP program id on the device, as {@code ip link} shows it. */
    private static int progId(TestEnv env) {
        Matcher m = Pattern.compile("prog/xdp id (\\d+)").matcher(env.ipLink());
        assertThat(m.find()).as(env.ipLink()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** The map ids of program {@code id}, as bpftool shows them. */
    private static List<Integer> mapIdsOf(int id) {
        Sh.Result r = Sh.run("bpftool", "prog", "show", "id", String.valueOf(id), "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        Matcher m = Pattern.compile("\"map_ids\":\\[([0-9,]*)\\]").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return java.util.Arrays.stream(m.group(1).split(",")).map(Integer::parseInt).toList();
    }

    /**
     * Attaches (or replaces with) the program pinned at {@code pin}, with iproute2 in native mode;
     * nsenter enters only the network namespace, so bpffs stays visible (ip netns exec remounts /sys).
     */
    private static void attachPinned(TestEnv env, Path pin) {
        Sh.Result r = Sh.run("nsenter", "--net=/run/netns/" + env.xdpNs(), "ip", "-force", "link", "set", "dev", env.name,
                "xdpdrv", "pinned", pin.toString());
        assertThat(r.exit()).as(r.all()).isZero();
    }

    /** The packets of {@code action} in the last JSON report of {@code out}, or -1 before any. */
    private static long lastPackets(String out, String action) {
        Matcher m = Pattern.compile("\"" + action + "\":\\{\"packets\":(\\d+)").matcher(out);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    /** The id of program {@code prog}'s xdp_stats_map, as bpftool shows it. */
    private static int statsMapId(int prog) {
        for (int id : mapIdsOf(prog)) {
            Sh.Result r = Sh.run("bpftool", "map", "show", "id", String.valueOf(id), "--json");
            if (r.out().contains("\"name\":\"xdp_stats_map\"")) {
                return id;
            }
        }
        throw new AssertionError("bpftool shows no xdp_stats_map among the maps of program " + prog);
    }

    private static String after(String out, int offset) {
        return out.substring(Math.min(offset, out.length()));
    }

    private static List<Tx> reports(String out) {
        List<Tx> tx = new ArrayList<>();
        Matcher m = REPORT.matcher(out);
        while (m.find()) {
            int mapId = m.group(1) == null ? -1 : Integer.parseInt(m.group(1));
            tx.add(new Tx(mapId, Long.parseLong(m.group(2)), Double.parseDouble(m.group(4))));
        }
        return tx;
    }

    /** {@code testenv.sh stats} running in the background; closing it kills it if it still runs. */
    private static final class Stats implements AutoCloseable {
        private static final long WAIT_MS = 20_000;
        private final Process process;
        private final Path out;
        private final Path err;

        private Stats(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        static Stats start(TestEnv env, String... args) throws IOException {
            Path out = Files.createTempFile("jbpf-stats", ".out");
            Path err = Files.createTempFile("jbpf-stats", ".err");
            List<String> cmd = new ArrayList<>(List.of(TestEnv.script(), "stats", "-n", env.name, "--"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            return new Stats(p, out, err);
        }

        String out() {
            return read(out);
        }

        String err() {
            return read(err);
        }

        /** Waits until {@code done} holds for the output so far; returns that output. */
        String await(String what, Predicate<String> done) throws InterruptedException {
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (System.currentTimeMillis() < deadline) {
                String o = out();
                if (done.test(o)) {
                    return o;
                }
                assertThat(process.isAlive()).as("stats ended before %s: %s%s", what, o, err()).isTrue();
                Thread.sleep(50);
            }
            throw new AssertionError("no " + what + " from stats in " + WAIT_MS + " ms: " + out() + err());
        }

        int awaitExit() throws InterruptedException {
            assertThat(process.waitFor(WAIT_MS, TimeUnit.MILLISECONDS)).as("stats stops: %s%s", out(), err()).isTrue();
            return process.exitValue();
        }

        private static String read(Path p) {
            try {
                return Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
