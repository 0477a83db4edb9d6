package io.jbpf.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two throw-away network namespaces for the socket, netns, LWT and netfilter hook tests (names
 * {@code jsk<hex>a} and {@code jsk<hex>b}, unique per instance so that tests of other areas running
 * at the same time never meet them), joined by a veth pair {@code va}/{@code vb} made inside them
 * (no device appears in the root namespace): {@link #A_IP} on {@code va} in {@link #a},
 * {@link #B_IP} on {@code vb} in {@link #b}, loopback up in both. Close to delete both.
 */
public final class JskNet implements AutoCloseable {
    public static final String A_IP = "10.77.1.1";
    public static final String B_IP = "10.77.1.2";

    public final String a;
    public final String b;

    private JskNet(String base) {
        this.a = base + "a";
        this.b = base + "b";
    }

    public static JskNet create() {
        JskNet n = new JskNet("jsk" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff)));
        try {
            n.sh("ip", "netns", "add", n.a);
            n.sh("ip", "netns", "add", n.b);
            n.sh("ip", "-n", n.a, "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", n.b);
            n.sh("ip", "-n", n.a, "addr", "add", A_IP + "/24", "dev", "va");
            n.sh("ip", "-n", n.b, "addr", "add", B_IP + "/24", "dev", "vb");
            for (String ns : List.of(n.a, n.b)) {
                n.sh("ip", "-n", ns, "link", "set", "lo", "up");
            }
            n.sh("ip", "-n", n.a, "link", "set", "va", "up");
            n.sh("ip", "-n", n.b, "link", "set", "vb", "up");
        } catch (RuntimeException | AssertionError e) {
            n.close();
            throw e;
        }
        return n;
    }

    private void sh(String... cmd) {
        Sh.Result r = Sh.run(cmd);
        assertThat(r.exit()).as("%s: %s", String.join(" ", cmd), r.all()).isZero();
    }

    /** The namespace file of {@code ns}, for attach calls that take one. */
    public static Path path(String ns) {
        return Path.of("/run/netns", ns);
    }

    /** Runs {@code cmd} in namespace {@code ns} (nsenter, which keeps /sys and bpffs as they are). */
    public static Sh.Result in(String ns, String... cmd) {
        List<String> all = new ArrayList<>(List.of("nsenter", "--net=" + path(ns)));
        all.addAll(List.of(cmd));
        return Sh.run(all);
    }

    /** Pings {@code ip} {@code count} times from namespace {@code ns}; how many replies came back. */
    public static int ping(String ns, String ip, int count) {
        Sh.Result r = in(ns, "ping", "-n", "-q", "-c", String.valueOf(count), "-i", "0.2", "-W", "1", ip);
        Matcher m = Pattern.compile("(\\d+) received").matcher(r.out());
        assertThat(m.find()).as("ping output: %s", r.all()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Override
    public void close() {
        Sh.run("ip", "netns", "del", a);
        Sh.run("ip", "netns", "del", b);
    }
}
