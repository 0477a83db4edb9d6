package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.BpfFs;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TestEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * testenv/testenv.sh as users run it. Every test keeps its environments' state in a directory of
 * its own (TESTENV_STATE_DIR), so "the last environment set up" is this test's alone, and removes
 * its namespaces and pins afterwards even when an assertion failed.
 */
class ScriptedTestEnvIT {
    private static final Path BPFFS = Path.of("/sys/fs/bpf");

    private Path stateDir;
    private Path scratch;
    private final List<String> names = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Kernel.require();
        stateDir = Files.createTempDirectory("jbpf-testenv-state");
        scratch = Files.createTempDirectory("jbpf-testenv-it");
    }

    @AfterEach
    void cleanUp() {
        for (String name : names) {
            t("teardown", "-n", name);
            for (String ns : List.of(name + "-xdp", name)) {
                if (Files.exists(Path.of("/run/netns", ns))) {
                    Sh.run("ip", "netns", "del", ns);
                }
            }
            Sh.run("rm", "-rf", pinDir(name).toString());
        }
        Sh.run("rm", "-rf", stateDir.toString(), scratch.toString());
    }

    @Test
    void anEmptyNameIsAUsageErrorForEveryCommandAndTouchesNoEnvironment() {
        String name = newName();
        Sh.Result setup = t("setup", "-n", name);
        assertThat(setup.exit()).as(setup.all()).isZero();

        for (String cmd : List.of("setup", "teardown", "ping", "load", "unload", "status", "stats", "exec", "exec-xdp", "info")) {
            List<String> tail = switch (cmd) {
                case "load" -> List.of("--", Objects.str("xdp_pass.o"));
                case "exec", "exec-xdp" -> List.of("--", "true");
                default -> List.of();
            };
            for (List<String> empty : List.of(List.of("-n", ""), List.of("--name", ""), List.of("--name="))) {
                List<String> args = new ArrayList<>(List.of(cmd));
                args.addAll(empty);
                args.addAll(tail);
                Sh.Result r = t(args.toArray(String[]::new));
                assertThat(r.exit()).as("%s: %s", args, r.all()).isEqualTo(2);
                assertThat(r.err()).as("%s", args).contains("non-empty environment name");
            }
        }
        // NAME-xdp is the XDP end of NAME: as a name of its own it would clash (teardown of a
        // name that was never set up would find "NAME-xdp" and refuse it as not an environment).
        Sh.Result clash = t("setup", "-n", name.substring(0, 7) + "-xdp"); // 11 characters: long enough
        assertThat(clash.exit()).as(clash.all()).isEqualTo(2);
        assertThat(clash.err()).contains("not ending in -xdp");
        Sh.Result status = t("status", "-n", name);
        assertThat(status.exit()).as("the last environment set up is untouched: %s", status.all()).isZero();
        assertThat(status.out()).containsPattern(name + "\\s+ok");
    }

    @Test
    void pingArgumentsGivenByTheUserWinOverTheDefaults() {
        String name = newName();
        Sh.Result setup = t("setup", "-n", name);
        assertThat(setup.exit()).as(setup.all()).isZero();

        // With the default -i 0.2 still in force, 20 pings take 3.8 s; a flood sends them at once.
        Sh.Result flood = t("ping", "-n", name, "-c", "20", "--", "-f");
        assertThat(flood.exit()).as(flood.all()).isZero();
        assertThat(flood.out()).contains("20 packets transmitted, 20 received");
        assertThat(pingTimeMs(flood.out())).as("flood: %s", flood.out()).isLessThan(1000);

        Sh.Result own = t("ping", "-n", name, "--", "-c", "2", "-i", "0.05");
        assertThat(own.exit()).as(own.all()).isZero();
        assertThat(own.out()).as("the user's -c wins over COUNT 3").contains("2 packets transmitted, 2 received");
        assertThat(pingTimeMs(own.out())).as("the user's -i 0.05: %s", own.out()).isLessThan(200);
    }

    @Test
    void statusChecksTheWholeEnvironmentAndTeardownRemovesWhatIsLeft() {
        String name = newName();
        Sh.Result setup = t("setup", "-n", name, "--legacy-ip", "--no-echo");
        assertThat(setup.exit()).as(setup.all()).isZero();
        Sh.Result whole = t("status", "-n", name);
        assertThat(whole.exit()).as(whole.all()).isZero();
        assertThat(whole.out()).containsPattern(name + "\\s+ok");

        String ip6Peer = state(name, "IP6_PEER");
        assertThat(Sh.run("ip", "-n", name, "link", "set", "veth0", "down").exit()).isZero();
        assertThat(Sh.run("ip", "netns", "exec", name + "-xdp", "sysctl", "-qw", "net.ipv6.icmp.echo_ignore_all=0").exit()).isZero();
        Sh.Result broken = t("status", "-n", name);
        assertThat(broken.exit()).as(broken.all()).isEqualTo(1);
        assertThat(broken.out()).containsPattern(name + "\\s+BROKEN")
                .contains("interface veth0 in " + name + " is down")
                .contains("address " + ip6Peer + "/64 missing on veth0 in " + name)
                .contains("net.ipv6.icmp.echo_ignore_all is not 1 in " + name + "-xdp");
        assertThat(broken.err()).contains("teardown -n " + name);

        // The peer namespace gone takes the veth pair with it: only NAME-xdp and the state remain.
        assertThat(Sh.run("ip", "netns", "del", name).exit()).isZero();
        Sh.Result half = t("status", "-n", name);
        assertThat(half.exit()).isEqualTo(1);
        assertThat(half.out()).contains("netns " + name + " missing", "interface " + name + " missing in " + name + "-xdp");

        Sh.Result teardown = t("teardown", "-n", name);
        assertThat(teardown.exit()).as(teardown.all()).isZero();
        assertNothingLeft(name);
        Sh.Result again = t("teardown", "-n", name);
        assertThat(again.exit()).as("already gone: %s", again.all()).isZero();
    }

    @Test
    void aSetupKilledHalfWayIsReportedIncompleteAndTornDown() throws Exception {
        String name = newName();
        // A jbpf that never returns: setup is killed while it "loads xdp_pass" on the peer, after
        // the namespaces, veth pair and addresses exist.
        Path started = scratch.resolve("fake-jbpf.pid");
        Path fake = scratch.resolve("fake-jbpf");
        Files.writeString(fake, "#!/bin/sh\necho $$ > " + started + "\nexec sleep 60\n");
        fake.toFile().setExecutable(true);
        Process setup = new ProcessBuilder(env(List.of("JBPF=" + fake), "setup", "-n", name, "--legacy-ip"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(started) || Files.readString(started).isBlank()) {
                assertThat(System.nanoTime()).as("setup reached the xdp_pass load").isLessThan(deadline);
                assertThat(setup.isAlive()).as("setup still running").isTrue();
                Thread.sleep(50);
            }
        } finally {
            setup.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no rollback trap runs
            if (Files.exists(started)) {
                Sh.run("kill", Files.readString(started).trim());
            }
        }

        Sh.Result status = t("status", "-n", name);
        assertThat(status.exit()).as(status.all()).isEqualTo(1);
        assertThat(status.out()).containsPattern(name + "\\s+BROKEN").contains("no XDP program (xdp_pass) on veth0 in " + name);

        Sh.Result teardown = t("teardown", "-n", name);
        assertThat(teardown.exit()).as(teardown.all()).isZero();
        assertNothingLeft(name);
    }

    /**
     * The xdp-tutorial workflow on an object that pins its stats map by name: load through
     * testenv.sh, ping over both families, stats, and the pin read from the host and from inside
     * the XDP end's namespace; unload and teardown leave nothing in bpffs.
     */
    @Test
    void loadPinsMapsOnTheHostsBpffsAndUnloadAndTeardownRemoveThem() {
        String name = newName();
        Sh.Result setup = t("setup", "-n", name, "--legacy-ip", "--no-echo");
        assertThat(setup.exit()).as(setup.all()).isZero();
        Path pin = pinDir(name).resolve("xdp_stats_map");

        Sh.Result load = t("load", "-n", name, "--", Objects.str("xdp_icmp_echo_pinned.o"), "-F", "--progsec", "xdp_icmp_echo");
        assertThat(load.exit()).as(load.all()).isZero();
        assertThat(pin).as("pinned by name in the environment's pin directory").exists();
        Sh.Result pinned = Sh.run("bpftool", "map", "show", "pinned", pin.toString());
        assertThat(pinned.exit()).as(pinned.all()).isZero();
        assertThat(pinned.out()).contains("percpu_array", "name xdp_stats_map");
        Matcher pinnedId = Pattern.compile("^(\\d+):").matcher(pinned.out());
        assertThat(pinnedId.find()).isTrue();

        int n = 3;
        assertThat(replies(t("ping", "-n", name, "-c", String.valueOf(n)))).as("IPv6 replies from XDP").isEqualTo(n);
        assertThat(replies(t("ping", "-n", name, "--legacy-ip", "-c", String.valueOf(n)))).as("IPv4 replies from XDP").isEqualTo(n);

        Sh.Result stats = t("stats", "-n", name, "--", "--count", "1", "--interval", "200ms");
        assertThat(stats.exit()).as(stats.all()).isZero();
        assertThat(stats.out()).containsPattern("XDP_TX\\s+" + 2 * n + "\\s")
                .as("stats reads the map the pin holds").contains("(id " + pinnedId.group(1) + ")");

        Sh.Result hostDump = Sh.run(Kernel.root().resolve("jbpf").toString(), "map", "dump", pin.toString(), "--json");
        assertThat(hostDump.exit()).as(hostDump.all()).isZero();
        assertThat(XdpIcmpEchoIT.totalPackets(hostDump.out(), 3)).as(hostDump.out()).isEqualTo(2 * n);
        Sh.Result nsDump = t("exec-xdp", "-n", name, "--", Kernel.root().resolve("jbpf").toString(), "map", "dump", pin.toString(), "--json");
        assertThat(nsDump.exit()).as("the pin is visible inside NAME-xdp: %s", nsDump.all()).isZero();
        assertThat(XdpIcmpEchoIT.totalPackets(nsDump.out(), 3)).isEqualTo(2 * n);
        // The README's polling snippet: the per-CPU value summed over every possible CPU's slot.
        try (BpfMap stats2 = BpfMap.fromPin(pin);
             MapCursor c = stats2.cursor()) {
            c.key().putInt(0, 3);
            assertThat(c.lookup()).isTrue();
            long packets = 0;
            for (int off = 0; off < stats2.valueBufferSize(); off += stats2.valueStride()) {
                packets += c.value().getLong(off);
            }
            assertThat(packets).isEqualTo(2 * n);
        }

        Sh.Result unload = t("unload", "-n", name);
        assertThat(unload.exit()).as(unload.all()).isZero();
        assertThat(pinDir(name)).as("unload removes the pins").doesNotExist();

        // The user's own --dev and --pin-path replace the environment's (jbpf refuses an option twice).
        try (BpfFs own = new BpfFs()) {
            Sh.Result mine = t("load", "-n", name, "--", Objects.str("xdp_icmp_echo_pinned.o"), "--progsec", "xdp_icmp_echo",
                    "--dev", name, "--pin-path=" + own.dir);
            assertThat(mine.exit()).as(mine.all()).isZero();
            assertThat(own.dir.resolve("xdp_stats_map")).exists();
            assertThat(pin).doesNotExist();
            Sh.Result unloadMine = t("unload", "-n", name);
            assertThat(unloadMine.exit()).as(unloadMine.all()).isZero();
        }
        // -d inside a group of short options (-Fd NAME) is the user's --dev too.
        Sh.Result reload = t("load", "-n", name, "--", Objects.str("xdp_icmp_echo_pinned.o"), "-Fd", name, "--progsec",
                "xdp_icmp_echo");
        assertThat(reload.exit()).as(reload.all()).isZero();
        assertThat(pin).exists();
        Sh.Result teardown = t("teardown", "-n", name);
        assertThat(teardown.exit()).as(teardown.all()).isZero();
        assertNothingLeft(name);
    }

    private void assertNothingLeft(String name) {
        assertThat(Path.of("/run/netns", name)).doesNotExist();
        assertThat(Path.of("/run/netns", name + "-xdp")).doesNotExist();
        assertThat(Sh.run("ip", "netns", "list").out()).doesNotContainPattern("(?m)^" + name + "(-xdp)?( |$)");
        assertThat(stateDir.resolve(name + ".env")).doesNotExist();
        assertThat(pinDir(name)).doesNotExist();
        Sh.Result status = t("status");
        assertThat(status.out()).doesNotContain(name);
    }

    private String newName() {
        String name = "jt" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        names.add(name);
        return name;
    }

    private static Path pinDir(String name) {
        return BPFFS.resolve("jbpf-testenv-" + name);
    }

    private String state(String name, String key) {
        Sh.Result info = t("info", "-n", name);
        Matcher m = Pattern.compile("(?m)^" + key + "=(.*)$").matcher(info.out());
        assertThat(m.find()).as(info.all()).isTrue();
        return m.group(1);
    }

    private List<String> env(List<String> vars, String... args) {
        List<String> cmd = new ArrayList<>(List.of("env", "TESTENV_STATE_DIR=" + stateDir));
        cmd.addAll(vars);
        cmd.add(TestEnv.script());
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    private Sh.Result t(String... args) {
        return Sh.run(env(List.of(), args));
    }

    private static int replies(Sh.Result ping) {
        Matcher m = Pattern.compile("(\\d+) received").matcher(ping.out());
        assertThat(m.find()).as("ping output: %s", ping.all()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** The "time NNNms" of ping's summary: from the first packet sent to the last reply. */
    private static long pingTimeMs(String out) {
        Matcher m = Pattern.compile("received, .*time (\\d+)ms").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Long.parseLong(m.group(1));
    }
}
