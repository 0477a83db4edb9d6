package io.jbpf.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A testenv.sh environment with a unique name: netns NAME (the peer, xdp_pass on veth0) and netns
 * NAME-xdp (interface NAME, where programs under test go). Close it to tear both down.
 */
public final class TestEnv implements AutoCloseable {
    public final String name;
    /** The netns of the XDP end: NAME-xdp, or the other environment's for one set up {@code --beside} it. */
    private final String xdpNs;

    private TestEnv(String name, String xdpNs) {
        this.name = name;
        this.xdpNs = xdpNs;
    }

    /** Sets up a fresh environment; {@code --legacy-ip}, {@code --no-echo} may be passed. */
    public static TestEnv setup(String... options) {
        return setupAs("jt", options);
    }

    /**
     * As {@link #setup}, named {@code prefix} + 6 hex digits (a test area's own prefix keeps its
     * environments apart from other areas' running at the same time).
     */
    public static TestEnv setupAs(String prefix, String... options) {
        String name = prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        return create(name, name + "-xdp", options);
    }

    /**
     * Sets up a second environment whose XDP end is in {@code other}'s XDP netns
     * ({@code setup --beside}), so programs there can redirect between the two. Close it before
     * {@code other} (declare it after {@code other} in try-with-resources).
     */
    public static TestEnv beside(TestEnv other, String prefix, String... options) {
        String name = prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        List<String> opts = new ArrayList<>(List.of("--beside", other.name));
        opts.addAll(Arrays.asList(options));
        return create(name, other.xdpNs, opts.toArray(String[]::new));
    }

    private static TestEnv create(String name, String xdpNs, String... options) {
        List<String> cmd = new ArrayList<>(List.of(script(), "setup", "-n", name));
        cmd.addAll(Arrays.asList(options));
        TestEnv env = new TestEnv(name, xdpNs);
        Sh.Result r = Sh.run(cmd);
        if (r.exit() != 0) {
            env.close();
            throw new AssertionError("testenv setup failed: " + r.all());
        }
        return env;
    }

    public static String script() {
        return Kernel.root().resolve("testenv/testenv.sh").toString();
    }

    /** The netns of the XDP end. */
    public String xdpNs() {
        return xdpNs;
    }

    /** The ifindex of the XDP end's interface NAME, in its netns. */
    public int xdpIfindex() {
        return ifindex(xdpNs, name);
    }

    /** The MAC address of the peer's veth0, as ip prints it (aa:bb:cc:dd:ee:ff). */
    public String peerMac() {
        Sh.Result r = Sh.run("ip", "-n", name, "-o", "link", "show", "dev", "veth0");
        Matcher m = Pattern.compile("link/ether (\\S+)").matcher(r.out());
        assertThat(m.find()).as(r.all()).isTrue();
        return m.group(1);
    }

    /** The peer's address: IPv4 (setup --legacy-ip) or IPv6, read from {@code t info}. */
    public String peerAddress(boolean ipv4) {
        return info(ipv4 ? "IP4_PEER" : "IP6_PEER");
    }

    /** One KEY=value of {@code t info}. */
    public String info(String key) {
        Sh.Result r = t("info");
        Matcher m = Pattern.compile("(?m)^" + key + "=(.*)$").matcher(r.out());
        assertThat(m.find()).as("%s in %s", key, r.all()).isTrue();
        return m.group(1);
    }

    private static int ifindex(String ns, String dev) {
        Sh.Result r = Sh.run("ip", "-n", ns, "-o", "link", "show", "dev", dev);
        assertThat(r.exit()).as(r.all()).isZero();
        return Integer.parseInt(r.out().substring(0, r.out().indexOf(':')));
    }

    /** Runs testenv.sh with this environment's name. */
    public Sh.Result t(String command, String... args) {
        List<String> cmd = new ArrayList<>(List.of(script(), command, "-n", name));
        cmd.addAll(Arrays.asList(args));
        return Sh.run(cmd);
    }

    /** Runs testenv.sh with this environment's name in directory {@code dir} (where a lesson's object is). */
    public Sh.Result tIn(java.nio.file.Path dir, String command, String... args) {
        List<String> cmd = new ArrayList<>(List.of(script(), command, "-n", name));
        cmd.addAll(Arrays.asList(args));
        return Sh.runIn(dir, cmd);
    }

    /** Runs ./jbpf inside the XDP end's netns. */
    public Sh.Result jbpf(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", xdpNs(), Kernel.root().resolve("jbpf").toString()));
        cmd.addAll(Arrays.asList(args));
        return Sh.run(cmd);
    }

    /** Pings the XDP end from the peer {@code count} times; returns how many replies came back. */
    public int ping(int count, boolean ipv4) {
        return received(pingOutput(count, ipv4, "-i", "0.2", "-W", "1"));
    }

    /** {@code t ping [--legacy-ip] -c COUNT [-- ARGS]}, which may fail (dropped pings); its output. */
    public Sh.Result pingOutput(int count, boolean ipv4, String... args) {
        List<String> all = new ArrayList<>();
        if (ipv4) {
            all.add("--legacy-ip");
        }
        all.addAll(List.of("-c", String.valueOf(count)));
        if (args.length > 0) {
            all.add("--");
            all.addAll(Arrays.asList(args));
        }
        return t("ping", all.toArray(String[]::new));
    }

    /** How many replies a ping got. */
    public static int received(Sh.Result ping) {
        Matcher m = Pattern.compile("(\\d+) received").matcher(ping.out());
        assertThat(m.find()).as("ping output: %s", ping.all()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** A lesson's build directory, bpf-src/build/tutorial/LESSON: where the learner runs {@code t load}. */
    public static Path lesson(String dir) {
        Path p = Objects.path("tutorial/" + dir);
        assertThat(p).as("lesson built (make -C bpf-src)").isDirectory();
        return p;
    }

    /** {@code t load -- ARGS} in the lesson's directory, which must succeed. */
    public Sh.Result load(Path lesson, String... args) {
        List<String> all = new ArrayList<>(List.of("--"));
        all.addAll(Arrays.asList(args));
        Sh.Result r = tIn(lesson, "load", all.toArray(String[]::new));
        assertThat(r.exit()).as(r.all()).isZero();
        return r;
    }

    /** The jbpf launcher, for {@code t exec-xdp -- JBPF ...}. */
    public static String launcher() {
        return Kernel.root().resolve("jbpf").toString();
    }

    /** {@code t tcpdump -- -l -nn ARGS} started in the background; returns once tcpdump listens. */
    public Background tcpdump(String... args) {
        List<String> cmd = new ArrayList<>(List.of(script(), "tcpdump", "-n", name, "--", "-l", "-nn"));
        cmd.addAll(Arrays.asList(args));
        return new Background(cmd, "listening on");
    }

    /** {@code t COMMAND -n NAME -- ARGS} started in the background; returns once it wrote {@code ready} to stderr. */
    public Background background(String ready, String command, String... args) {
        List<String> all = new ArrayList<>(List.of(script(), command, "-n", name, "--"));
        all.addAll(Arrays.asList(args));
        return new Background(all, ready);
    }

    /** Sets a sysctl in the XDP end's netns (never the root namespace). */
    public void sysctl(String key, String value) {
        Sh.Result r = Sh.run("ip", "netns", "exec", xdpNs(), "sysctl", "-qw", key + "=" + value);
        assertThat(r.exit()).as(r.all()).isZero();
    }

    /** {@code ip link show} of the XDP end's interface. */
    public String ipLink() {
        return Sh.run("ip", "-n", xdpNs(), "-d", "link", "show", "dev", name).out();
    }

    @Override
    public void close() {
        Sh.run(script(), "teardown", "-n", name);
    }
}
