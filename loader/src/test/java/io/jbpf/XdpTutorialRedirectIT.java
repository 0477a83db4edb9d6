package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TestEnv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The xdp-tutorial's packet03-redirecting lesson as a learner walks it, with jbpf and testenv:
 * bpf-src/tutorial/packet03-redirecting/xdp_prog_kern.c loaded by {@code t load} from the lesson's
 * directory, the maps filled with {@code jbpf map update}, and each effect seen from outside: pings
 * answered by XDP_TX with the kernel's echo off, pings between two environments set up
 * {@code --beside} each other that reach the other side only through the redirect programs (the
 * XDP netns does not forward), and the fib router whose counters equal the packets forwarded while
 * the kernel's forwarding counters stand still.
 */
class XdpTutorialRedirectIT {
    private static final String JBPF = Kernel.root().resolve("jbpf").toString();
    private static final Path LESSON = Objects.path("tutorial/packet03-redirecting");

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    /** {@code t setup --beside}: both in one XDP netns, both listed, torn down beside-first only. */
    @Test
    void environmentsBesideEachOtherShareTheXdpNetnsAndTearDownInOrder() {
        try (TestEnv a = TestEnv.setupAs("tb", "--legacy-ip"); TestEnv b = TestEnv.beside(a, "tb", "--legacy-ip")) {
            assertThat(b.xdpNs()).isEqualTo(a.name + "-xdp");
            assertThat(Path.of("/run/netns", b.name + "-xdp")).as("no netns of its own").doesNotExist();
            assertThat(b.info("BESIDE")).isEqualTo(a.name);
            Sh.Result link = Sh.run("ip", "-n", a.xdpNs(), "-o", "link", "show", "dev", b.name);
            assertThat(link.out()).as(link.all()).contains("link-netns " + b.name);

            Sh.Result status = b.t("status");
            assertThat(status.exit()).as(status.all()).isZero();
            assertThat(status.out()).containsPattern(a.name + "\\s+ok").containsPattern(b.name + "\\s+ok .* beside " + a.name)
                    .contains("interface " + b.name + ", ifindex " + b.xdpIfindex() + ", MAC ")
                    .contains("interface veth0, ifindex ").contains("MAC " + b.peerMac())
                    .contains("jbpf status in netns " + a.xdpNs());
            // jbpf status in the shared netns lists both ends
            assertThat(status.out()).containsPattern("(?m)^" + a.name + "\\s").containsPattern("(?m)^" + b.name + "\\s");

            Sh.Result early = a.t("teardown");
            assertThat(early.exit()).isEqualTo(1);
            assertThat(early.err()).contains("environment '" + a.name + "' holds the XDP end of " + b.name)
                    .contains("teardown -n " + b.name);
            assertThat(Path.of("/run/netns", a.xdpNs())).as("nothing removed").exists();
            assertThat(a.t("setup", "--force").exit()).as("--force would remove it too").isEqualTo(1);

            Sh.Result bDown = b.t("teardown");
            assertThat(bDown.exit()).as(bDown.all()).isZero();
            assertThat(Path.of("/run/netns", b.name)).doesNotExist();
            assertThat(Sh.run("ip", "-n", a.xdpNs(), "link", "show", "dev", b.name).exit()).as("its XDP end went with it").isNotZero();
            Sh.Result aStatus = a.t("status");
            assertThat(aStatus.exit()).as(aStatus.all()).isZero();
            assertThat(aStatus.out()).containsPattern(a.name + "\\s+ok").doesNotContain(b.name);
            assertThat(a.ping(2, true)).as("the other environment still works").isEqualTo(2);
        }
    }

    /** xdp_icmp_echo: with the kernel's echo off, only the program answers (IPv4 and IPv6). */
    @Test
    void icmpEchoAnswersPingsItself() {
        try (TestEnv env = TestEnv.setupAs("tb", "--legacy-ip", "--no-echo")) {
            assertThat(env.ping(2, true)).as("the kernel does not answer").isZero();
            load(env, "xdp_icmp_echo");
            assertThat(env.ping(3, true)).isEqualTo(3);
            assertThat(env.ping(3, false)).isEqualTo(3);
            assertThat(stat(env, "XDP_TX")).isEqualTo(6);
        }
    }

    /**
     * xdp_redirect both ways between A and B (each program's redirect_cfg names the other's
     * device and peer MAC): A's peer pings B's peer, which the XDP netns cannot route (forwarding
     * off), so every reply proves two redirects.
     */
    @Test
    void redirectCarriesPingsBetweenEnvironments() {
        try (TestEnv a = TestEnv.setupAs("tb", "--legacy-ip"); TestEnv b = TestEnv.beside(a, "tb", "--legacy-ip")) {
            assertThat(pingPeer(a, b, 2, true)).as("no forwarding without the programs").isZero();
            load(a, "xdp_redirect", "--pin-maps");
            load(b, "xdp_redirect", "--pin-maps");
            assertThat(pingPeer(a, b, 2, true)).as("not configured: passes, nothing forwards").isZero();
            update(a, "redirect_cfg", "key", "0", "value", "ifindex=" + b.xdpIfindex(), "dst_mac=" + b.peerMac());
            update(b, "redirect_cfg", "key", "0", "value", "ifindex=" + a.xdpIfindex(), "dst_mac=" + a.peerMac());
            long before = stat(a, "XDP_REDIRECT");
            assertThat(pingPeer(a, b, 4, true)).isEqualTo(4);
            assertThat(pingPeer(a, b, 3, false)).isEqualTo(3);
            assertThat(stat(a, "XDP_REDIRECT") - before).as("A redirected the requests").isEqualTo(7);
            assertThat(stat(b, "XDP_REDIRECT")).as("B the replies").isGreaterThanOrEqualTo(7);
        }
    }

    /** xdp_redirect_map: tx_port[0] and the redirect_params MAC pair, filled by jbpf map update. */
    @Test
    void redirectMapCarriesPingsBetweenEnvironments() {
        try (TestEnv a = TestEnv.setupAs("tb", "--legacy-ip"); TestEnv b = TestEnv.beside(a, "tb", "--legacy-ip")) {
            load(a, "xdp_redirect_map", "--pin-maps");
            load(b, "xdp_redirect_map", "--pin-maps");
            update(a, "tx_port", "key", "0", "value", String.valueOf(b.xdpIfindex()));
            update(b, "tx_port", "key", "0", "value", String.valueOf(a.xdpIfindex()));
            assertThat(pingPeer(a, b, 2, true)).as("no MAC pair yet: passed, not forwarded").isZero();
            update(a, "redirect_params", "key", "addr=" + a.peerMac(), "value", "addr=" + b.peerMac());
            update(b, "redirect_params", "key", "addr=" + b.peerMac(), "value", "addr=" + a.peerMac());
            long before = stat(a, "XDP_REDIRECT");
            assertThat(pingPeer(a, b, 4, true)).isEqualTo(4);
            assertThat(pingPeer(a, b, 3, false)).isEqualTo(3);
            assertThat(stat(a, "XDP_REDIRECT") - before).isEqualTo(7);
        }
    }

    /**
     * xdp_router on both devices, forwarding on in the XDP netns: the peers (different subnets)
     * ping each other, and once the neighbours are known every packet is forwarded by XDP (the
     * programs' XDP_REDIRECT counts equal the packets) while the kernel forwards none.
     */
    @Test
    void fibRouterForwardsInsteadOfTheKernel() {
        try (TestEnv a = TestEnv.setupAs("tb", "--legacy-ip"); TestEnv b = TestEnv.beside(a, "tb", "--legacy-ip")) {
            Sh.Result fwd = a.t("exec-xdp", "--", "sysctl", "-qw", "net.ipv4.conf.all.forwarding=1", "net.ipv6.conf.all.forwarding=1");
            assertThat(fwd.exit()).as(fwd.all()).isZero();
            load(a, "xdp_router", "--pin-maps");
            load(b, "xdp_router", "--pin-maps");
            // The first packets resolve the neighbours through the kernel (the program passes them).
            assertThat(pingPeer(a, b, 2, true)).isEqualTo(2);
            assertThat(pingPeer(a, b, 2, false)).isEqualTo(2);
            long[] kernelBefore = kernelForwarded(a);
            long aBefore = stat(a, "XDP_REDIRECT");
            long bBefore = stat(b, "XDP_REDIRECT");
            assertThat(pingPeer(a, b, 5, true)).isEqualTo(5);
            assertThat(pingPeer(a, b, 4, false)).isEqualTo(4);
            assertThat(stat(a, "XDP_REDIRECT") - aBefore).as("requests forwarded by XDP").isEqualTo(9);
            assertThat(stat(b, "XDP_REDIRECT") - bBefore).as("replies forwarded by XDP").isEqualTo(9);
            assertThat(kernelForwarded(a)).as("the kernel forwarded none").containsExactly(kernelBefore);
            // TTL decremented on the way: the reply arrives with 64 - 1
            Sh.Result ttl = a.t("exec", "--", "ping", "-4", "-c", "1", "-W", "1", b.peerAddress(true));
            assertThat(ttl.out()).as(ttl.all()).contains("ttl=63");
        }
    }

    /** t load in the lesson's directory: its xdp_prog_kern.o, section PROGSEC, replacing (-F). */
    private static void load(TestEnv env, String progsec, String... more) {
        List<String> args = new ArrayList<>(List.of("--", "-F", "--progsec", progsec));
        args.addAll(List.of(more));
        Sh.Result r = env.tIn(LESSON, "load", args.toArray(String[]::new));
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("(section " + progsec + ") from xdp_prog_kern.o on " + env.name);
    }

    /**
     * jbpf map update on MAP pinned by t load --pin-maps for ENV, run in ENV's XDP netns
     * (t exec-xdp): the kernel resolves the ifindex written into a devmap in the writer's netns.
     */
    private static void update(TestEnv env, String map, String... entry) {
        List<String> cmd = new ArrayList<>(List.of("--", JBPF, "map", "update", "pinned", env.info("PIN_DIR") + "/" + map));
        cmd.addAll(List.of(entry));
        Sh.Result r = env.t("exec-xdp", cmd.toArray(String[]::new));
        assertThat(r.exit()).as(r.all()).isZero();
    }

    /** Pings B's peer from A's peer; the replies received. */
    static int pingPeer(TestEnv a, TestEnv b, int count, boolean ipv4) {
        Sh.Result r = a.t("exec", "--", "ping", ipv4 ? "-4" : "-6", "-c", String.valueOf(count), "-i", "0.2", "-W", "1",
                b.peerAddress(ipv4));
        Matcher m = Pattern.compile("(\\d+) received").matcher(r.out());
        assertThat(m.find()).as(r.all()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** Packets of ACTION in the xdp_stats_map of the program on ENV's device (t stats --json). */
    static long stat(TestEnv env, String action) {
        Sh.Result r = env.t("stats", "--", "--count", "1", "--interval", "100ms", "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        Matcher m = Pattern.compile("\"" + action + "\":\\{\"packets\":(\\d+)").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** The XDP netns's kernel forwarding counters: IPv4 ForwDatagrams, Ip6OutForwDatagrams. */
    private static long[] kernelForwarded(TestEnv env) {
        Sh.Result v4 = env.t("exec-xdp", "--", "cat", "/proc/net/snmp");
        String[] lines = v4.out().split("\n");
        long forw = -1;
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("Ip: Forwarding")) {
                List<String> names = List.of(lines[i].split("\\s+"));
                forw = Long.parseLong(lines[i + 1].split("\\s+")[names.indexOf("ForwDatagrams")]);
            }
        }
        Matcher m6 = Pattern.compile("(?m)^Ip6OutForwDatagrams\\s+(\\d+)").matcher(env.t("exec-xdp", "--", "cat", "/proc/net/snmp6").out());
        assertThat(forw).as(v4.all()).isNotNegative();
        assertThat(m6.find()).isTrue();
        return new long[] {forw, Long.parseLong(m6.group(1))};
    }
}
