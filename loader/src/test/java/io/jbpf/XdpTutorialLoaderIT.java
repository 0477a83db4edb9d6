package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The xdp-tutorial's loader lessons (basic01-04) as a learner types them, with jbpf in place of
 * xdp_loader and xdp_stats: {@code t load -- -F --progsec ...} in the lesson's directory (the
 * object found there), xdp_loader's mode flags and {@code -U}, basic04's maps pinned by
 * {@code --pin-maps} and reused by a reload, so {@code t stats -- --pin-dir} reads the same
 * counters on; teardown leaves no pin.
 */
class XdpTutorialLoaderIT {
    private static final Pattern TX = Pattern.compile("\"map_id\":(\\d+),.*\"XDP_TX\":\\{\"packets\":(\\d+)");

    @TempDir
    Path lesson;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    @Test
    void basic04PinnedStatsOutliveAReloadAndUnloadEndsIt() throws Exception {
        Files.copy(Objects.path("xdp_icmp_echo.o"), lesson.resolve("xdp_prog_kern.o"));
        Path pins;
        try (TestEnv env = TestEnv.setup("--legacy-ip", "--no-echo")) {
            pins = Path.of("/sys/fs/bpf/jbpf-testenv-" + env.name);
            Sh.Result load = env.tIn(lesson, "load", "--", "-F", "--progsec", "xdp_icmp_echo", "--pin-maps", "-A");
            assertThat(load.exit()).as(load.all()).isZero();
            assertThat(load.out()).contains("from xdp_prog_kern.o on " + env.name + " (native mode)");
            assertThat(pins.resolve("xdp_stats_map")).as("basic04: the map pinned under the environment's pin dir").exists();
            assertThat(env.ping(3, true)).as("XDP_TX answers (kernel echo off)").isEqualTo(3);
            long[] first = txStats(env);
            assertThat(first[1]).isGreaterThanOrEqualTo(3);

            Sh.Result reload = env.tIn(lesson, "load", "--", "-F", "--progsec", "xdp_icmp_echo", "--pin-maps", "-N");
            assertThat(reload.exit()).as(reload.all()).isZero();
            assertThat(env.ping(2, true)).isEqualTo(2);
            long[] second = txStats(env);
            assertThat(second[0]).as("the reloaded program reuses the pinned map").isEqualTo(first[0]);
            assertThat(second[1]).as("its counters go on").isGreaterThanOrEqualTo(first[1] + 2);

            Sh.Result unload = env.t("exec-xdp", "--", Kernel.root().resolve("jbpf").toString(), "load", "-U", "-d", env.name);
            assertThat(unload.exit()).as(unload.all()).isZero();
            assertThat(unload.out()).contains("Detached prog id").contains("from " + env.name + " (native mode)");
            assertThat(env.ipLink()).doesNotContain("prog/xdp");
            assertThat(env.ping(2, true)).as("nothing answers once unloaded").isZero();
        }
        assertThat(pins).as("teardown removes the pins").doesNotExist();
    }

    @Test
    void withoutAnObjectHereLoadSaysWhatToGive() throws Exception {
        try (TestEnv env = TestEnv.setup()) {
            Sh.Result load = env.tIn(lesson, "load", "--", "-F", "--progsec", "xdp_pass");
            assertThat(load.exit()).isEqualTo(1);
            assertThat(load.err()).contains("no object named: give OBJ or --filename OBJ (found 0 *.o files in " + lesson);
            Sh.Result byName = env.tIn(lesson, "load", "--", "-F", "--filename", Objects.path("xdp_pass.o").toString(), "-S");
            assertThat(byName.exit()).as(byName.all()).isZero();
            assertThat(byName.out()).contains("(skb mode)");
            assertThat(env.ipLink()).contains("prog/xdp");
        }
    }

    /**
     * {@code t setup --vlan} (packet02's VLAN lessons): VLANs 1 and 2 on both ends, each pinged over
     * its own addresses. This host's kernel has no 802.1Q (CONFIG_VLAN_8021Q unset): setup says so
     * and leaves nothing; the second kernel has it.
     */
    @Test
    @Tag("vm")
    void setupVlanGivesTwoVlansOrSaysTheKernelHasNone() throws Exception {
        String vlan = Kernel.config("CONFIG_VLAN_8021Q");
        if (vlan.equals("n")) {
            String name = "jtv" + ProcessHandle.current().pid() % 100000;
            Sh.Result r = Sh.run(TestEnv.script(), "setup", "-n", name, "--vlan");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("this kernel has no 802.1Q VLANs (CONFIG_VLAN_8021Q");
            assertThat(Path.of("/run/netns", name)).doesNotExist();
            assertThat(Path.of("/run/netns", name + "-xdp")).doesNotExist();
            return;
        }
        try (TestEnv env = TestEnv.setup("--legacy-ip", "--vlan")) {
            for (String id : new String[] {"1", "2"}) {
                Sh.Result v6 = env.t("ping", "--vlan", id, "-c", "2");
                assertThat(v6.exit()).as(v6.all()).isZero();
                assertThat(v6.out()).containsPattern("fc00:dead:cafe:" + id + "\\d{3}::1");
                Sh.Result v4 = env.t("ping", "--legacy-ip", "--vlan", id, "-c", "2");
                assertThat(v4.exit()).as(v4.all()).isZero();
                assertThat(v4.out()).contains("10.2" + id + "1.");
            }
            Sh.Result link = Sh.run("ip", "-n", env.xdpNs(), "-d", "link", "show", "dev", env.name + ".2");
            assertThat(link.out()).contains("vlan protocol 802.1Q id 2");
        }
    }

    /** {map id, XDP_TX packets} from one {@code t stats -- --pin-dir --json} report. */
    private static long[] txStats(TestEnv env) {
        Sh.Result r = env.t("stats", "--", "--pin-dir", "--count", "1", "--interval", "100ms", "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        Matcher m = TX.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }
}
