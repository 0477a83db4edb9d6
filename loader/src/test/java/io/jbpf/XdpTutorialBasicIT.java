package io.jbpf;

import static io.jbpf.testing.TestEnv.received;
import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.Kernel;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TestEnv;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The xdp-tutorial's basic lessons walked through testenv.sh as the tutorial teaches, with jbpf in
 * place of its loaders, on our own programs (bpf-src/tutorial/basic0N-*): each test runs {@code t}
 * in the lesson's build directory and checks the lesson's effect from outside (ping, ip link,
 * {@code jbpf map dump}, {@code t stats}).
 */
class XdpTutorialBasicIT {
    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    /** basic01: {@code jbpf load xdp_pass_kern.o --dev DEV}; the program is on the link, pings pass. */
    @Test
    void basic01XdpPassLetsPingsThrough() {
        Path lesson = TestEnv.lesson("basic01-xdp-pass");
        try (TestEnv env = TestEnv.setupAs("ta")) {
            Sh.Result load = env.tIn(lesson, "exec-xdp", "--", TestEnv.launcher(), "load", "xdp_pass_kern.o", "--dev", env.name);
            assertThat(load.exit()).as(load.all()).isZero();
            assertThat(load.out()).contains("Loaded xdp_prog_simple (section xdp) from xdp_pass_kern.o on " + env.name);
            assertThat(env.ipLink()).contains("prog/xdp").contains("name xdp_prog_simple");
            assertThat(received(env.pingOutput(3, false))).isEqualTo(3);

            Sh.Result unload = env.t("unload");
            assertThat(unload.exit()).as(unload.all()).isZero();
            assertThat(env.ipLink()).doesNotContain("prog/xdp");

            // t load with no object named takes the lesson's only object.
            Sh.Result again = env.load(lesson, "-S");
            assertThat(again.out()).contains("from xdp_pass_kern.o on " + env.name + " (skb mode)");
            assertThat(env.ipLink()).contains("prog/xdp").contains("name xdp_prog_simple");
            assertThat(received(env.pingOutput(2, false))).isEqualTo(2);
        }
    }

    /** basic02: one object, two programs, picked by --progsec and by --progname: xdp_drop drops pings, xdp_pass passes them. */
    @Test
    void basic02PicksTheProgramBySectionOrName() {
        Path lesson = TestEnv.lesson("basic02-prog-by-name");
        try (TestEnv env = TestEnv.setupAs("ta", "--legacy-ip")) {
            env.load(lesson, "-F", "--progsec", "xdp_drop");
            assertThat(env.ipLink()).contains("name xdp_drop_func");
            assertThat(received(env.pingOutput(3, true))).as("xdp_drop").isZero();

            env.load(lesson, "-F", "--progsec", "xdp_pass");
            assertThat(env.ipLink()).contains("name xdp_pass_func");
            assertThat(received(env.pingOutput(3, true))).as("xdp_pass").isEqualTo(3);

            Sh.Result byName = env.load(lesson, "-F", "--progname", "xdp_drop_func");
            assertThat(byName.out()).contains("Loaded xdp_drop_func (section xdp_drop)");
            assertThat(received(env.pingOutput(3, false))).as("xdp_drop_func by name").isZero();

            env.load(lesson, "-F", "--progname", "xdp_pass_func");
            assertThat(received(env.pingOutput(3, false))).as("xdp_pass_func by name").isEqualTo(3);

            Sh.Result unload = env.t("unload");
            assertThat(unload.exit()).as(unload.all()).isZero();
            assertThat(env.ipLink()).doesNotContain("prog/xdp");
        }
    }

    /**
     * basic03: the ARRAY counter, read by {@code jbpf map dump} and {@code t stats}, holds exactly the
     * echo requests sent - 5 IPv4 (98 bytes each on the wire) and 2 IPv6 (118 bytes) - packets and
     * bytes (the program counts echo requests only, so neighbour discovery cannot add to it).
     */
    @Test
    void basic03CountsExactlyThePingsSent() {
        Path lesson = TestEnv.lesson("basic03-map-counter");
        try (TestEnv env = TestEnv.setupAs("ta", "--legacy-ip")) {
            env.load(lesson, "-F", "--progsec", "xdp_stats1");
            assertThat(received(env.pingOutput(5, true))).isEqualTo(5);
            assertThat(received(env.pingOutput(2, false))).isEqualTo(2);

            Sh.Result dump = env.t("exec-xdp", "--", TestEnv.launcher(), "map", "dump", "--dev", env.name, "--map", "xdp_stats_map");
            assertThat(dump.exit()).as(dump.all()).isZero();
            assertThat(dump.out()).contains("BPF_MAP_TYPE_ARRAY")
                    .contains("key: 2  value: {rx_packets: 7, rx_bytes: " + (5 * 98 + 2 * 118) + "}")
                    .contains("key: 1  value: {rx_packets: 0, rx_bytes: 0}");

            Sh.Result stats = env.t("stats", "--", "--count", "1", "--interval", "100ms", "--json");
            assertThat(stats.exit()).as(stats.all()).isZero();
            assertThat(stats.out()).contains("\"XDP_PASS\":{\"packets\":7,\"bytes\":" + (5 * 98 + 2 * 118) + ",");
        }
    }

    /**
     * basic04: xdp_stats_map pinned by {@code --pin-maps} under the environment's pin directory; a
     * reload of another section with {@code --pin-maps} reuses it, so {@code t stats -- --pin-dir}
     * reads the same map on, XDP_PASS counts kept and XDP_DROP counting; xdp_loader's {@code -A},
     * {@code -N} and {@code -U}; teardown leaves no pin. (Every packet is counted here, neighbour
     * discovery too, so pinged packets give lower bounds.)
     */
    @Test
    void basic04PinnedStatsOutliveAReloadAndUnloadEndsIt() {
        Path lesson = TestEnv.lesson("basic04-pinning-maps");
        Path pins;
        try (TestEnv env = TestEnv.setupAs("ta", "--legacy-ip")) {
            pins = Path.of("/sys/fs/bpf/jbpf-testenv-" + env.name);
            Sh.Result load = env.load(lesson, "-F", "--progsec", "xdp_pass", "--pin-maps", "-A");
            assertThat(load.out()).contains("Loaded xdp_pass_func (section xdp_pass) from xdp_prog_kern.o on " + env.name + " (native mode)");
            assertThat(pins.resolve("xdp_stats_map")).as("the map pinned under the environment's pin dir").exists();
            assertThat(received(env.pingOutput(3, true))).isEqualTo(3);
            long[] first = stats(env);
            assertThat(first[1]).as("XDP_PASS").isGreaterThanOrEqualTo(3);

            Sh.Result reload = env.load(lesson, "-F", "--progsec", "xdp_drop", "--pin-maps", "-N");
            assertThat(reload.out()).contains("Loaded xdp_drop_func (section xdp_drop)");
            assertThat(received(env.pingOutput(3, true))).isZero();
            long[] second = stats(env);
            assertThat(second[0]).as("the reloaded program reuses the pinned map").isEqualTo(first[0]);
            assertThat(second[1]).as("XDP_PASS kept").isGreaterThanOrEqualTo(first[1]);
            assertThat(second[2]).as("XDP_DROP counts the dropped pings").isGreaterThanOrEqualTo(3);

            Sh.Result unload = env.t("exec-xdp", "--", TestEnv.launcher(), "load", "-U", "-d", env.name);
            assertThat(unload.exit()).as(unload.all()).isZero();
            assertThat(unload.out()).contains("Detached prog id").contains("from " + env.name + " (native mode)");
            assertThat(env.ipLink()).doesNotContain("prog/xdp");
            assertThat(received(env.pingOutput(2, true))).as("the stack answers again").isEqualTo(2);
        }
        assertThat(pins).as("teardown removes the pins").doesNotExist();
    }

    private static final Pattern STATS = Pattern.compile(
            "\"map_id\":(\\d+),.*\"XDP_DROP\":\\{\"packets\":(\\d+).*\"XDP_PASS\":\\{\"packets\":(\\d+)");

    /** {map id, XDP_PASS packets, XDP_DROP packets} from one {@code t stats -- --pin-dir --json} report. */
    private static long[] stats(TestEnv env) {
        Sh.Result r = env.t("stats", "--", "--pin-dir", "--count", "1", "--interval", "100ms", "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        Matcher m = STATS.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(3)), Long.parseLong(m.group(2))};
    }
}
