package io.jbpf.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.BpfMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two network namespaces joined by a veth pair, for the tc and XDP hook tests: {@link #ns} holds
 * device {@link #dev} (10.77.N.1), where programs go, and {@link #peerNs} holds {@link #peerDev}
 * (10.77.N.2), which pings it. Names start with {@code jtc} and a random number, so tests of other
 * areas and concurrent runs never share them. Close it to delete both namespaces (and with them
 * the devices, filters and netlink attachments).
 */
public final class TcNet implements AutoCloseable {
    public final String ns;
    public final String peerNs;
    public final String dev;
    public final String peerDev;
    public final String addr;
    public final String peerAddr;

    private TcNet(int n) {
        ns = "jtc" + n;
        peerNs = "jtc" + n + "p";
        dev = "jtc" + n;
        peerDev = "jtc" + n + "p";
        addr = "10.77." + (n % 250) + ".1";
        peerAddr = "10.77." + (n % 250) + ".2";
    }

    /** Creates the namespaces, the veth pair and the addresses, all up. */
    public static TcNet setup() {
        TcNet net = new TcNet(ThreadLocalRandom.current().nextInt(10000, 99999));
        try {
            sh("ip", "netns", "add", net.ns);
            sh("ip", "netns", "add", net.peerNs);
            sh("ip", "link", "add", net.dev, "netns", net.ns, "type", "veth", "peer", "name", net.peerDev, "netns", net.peerNs);
            sh("ip", "-n", net.ns, "addr", "add", net.addr + "/24", "dev", net.dev);
            sh("ip", "-n", net.peerNs, "addr", "add", net.peerAddr + "/24", "dev", net.peerDev);
            for (String[] d : new String[][] {{net.ns, net.dev}, {net.peerNs, net.peerDev}, {net.ns, "lo"}, {net.peerNs, "lo"}}) {
                sh("ip", "-n", d[0], "link", "set", d[1], "up");
            }
            // A veth just set up may still lack carrier for a moment (longer on a busy machine): wait
            // for the first answer, so every test starts from a pair that works.
            int tries = 0;
            while (net.ping(1) != 1) {
                assertThat(++tries).as("the pair answers pings before any program is attached").isLessThan(10);
            }
            return net;
        } catch (RuntimeException | AssertionError e) {
            net.close();
            throw e;
        }
    }

    private static Sh.Result sh(String... cmd) {
        Sh.Result r = Sh.run(cmd);
        assertThat(r.exit()).as("%s: %s", String.join(" ", cmd), r.all()).isZero();
        return r;
    }

    /** Pings {@link #addr} from the peer {@code count} times, 0.2 s apart; returns how many replies came back. */
    public int ping(int count) {
        return ping(count, "0.2");
    }

    /** Pings {@link #addr} from the peer {@code count} times, {@code interval} seconds apart; the replies. */
    public int ping(int count, String interval) {
        Sh.Result r = Sh.run("ip", "netns", "exec", peerNs, "ping", "-n", "-q", "-c", String.valueOf(count), "-i", interval,
                "-W", "1", addr);
        Matcher m = Pattern.compile("(\\d+) (packets )?received").matcher(r.out());
        assertThat(m.find()).as("ping output: %s", r.all()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** Runs {@code tc ARGS} in {@link #ns} and returns its output (it must succeed). */
    public String tc(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "tc"));
        cmd.addAll(Arrays.asList(args));
        Sh.Result r = Sh.run(cmd);
        assertThat(r.exit()).as("tc %s: %s", String.join(" ", args), r.all()).isZero();
        return r.out();
    }

    /** {@code tc filter show dev DEV DIRECTION}. */
    public String filters(String direction) {
        return tc("filter", "show", "dev", dev, direction);
    }

    /** Runs {@code bpftool ARGS} in {@link #ns} (nsenter keeps /sys, so bpffs paths work) and returns its output. */
    public String bpftool(String... args) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + ns, "bpftool"));
        cmd.addAll(Arrays.asList(args));
        Sh.Result r = Sh.run(cmd);
        assertThat(r.exit()).as("bpftool %s: %s", String.join(" ", args), r.all()).isZero();
        return r.out();
    }

    /** The u64 in slot {@code slot} of an array map of counters. */
    public static long counter(BpfMap map, int slot) {
        byte[] key = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(slot).array();
        return ByteBuffer.wrap(map.lookup(key)).order(ByteOrder.nativeOrder()).getLong();
    }

    /** Sets every slot of an array map of u64 counters to 0. */
    public static void resetCounters(BpfMap map) {
        for (int i = 0; i < map.maxEntries(); i++) {
            byte[] key = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(i).array();
            map.update(key, new byte[8], io.jbpf.uapi.UpdateFlags.ANY);
        }
    }

    @Override
    public void close() {
        Sh.run("ip", "netns", "del", ns);
        Sh.run("ip", "netns", "del", peerNs);
    }
}
