package io.jbpf.xdp;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.BpfMap;
import io.jbpf.Features;
import io.jbpf.LoadOptions;
import io.jbpf.link.XdpMode;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.Fds;
import io.jbpf.testing.NetNs;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code jbpf load --multi}: several XDP programs on one device through libxdp's dispatcher, seen
 * and kept by xdp-tools too. On a kernel with BPF trampolines (the second kernel, testenv/vm),
 * three programs loaded out of order run in priority order, which their shared counters prove
 * (bpf-src/multi/mp_component.h: each counts the packets it saw right after the one before it);
 * {@code xdp-loader status} lists them; a program xdp-loader adds is listed by {@code jbpf status};
 * removing the middle one leaves the others running; nothing stays pinned under /sys/fs/bpf/xdp.
 * Where freplace is refused (this host: lockdown), {@code --multi} attaches the one program
 * directly and says why, as libxdp does, and a second {@code --multi} load is refused.
 *
 * <p>The device is {@code mpa<n>} in netns {@code mp<n>}, pinged from its veth peer in netns
 * {@code mp<n>p}; jbpf and xdp-loader run there through {@code nsenter --net} so that they see the
 * host's bpffs (ip netns exec would mount another /sys).
 */
class XdpMultiprogIT {
    private static final Pattern PROG_ID = Pattern.compile("\"prog_id\":(\\d+)");
    private final String id = String.valueOf(ProcessHandle.current().pid() % 100000);
    private final String ns = "mp" + id;
    private final String peerNs = ns + "p";
    private final String dev = "mpa" + id;
    private final Path pins = Path.of("/sys/fs/bpf", "mp" + id);

    @BeforeEach
    void setUp() {
        Kernel.require();
        cleanUp();
        run("ip", "netns", "add", ns);
        run("ip", "netns", "add", peerNs);
        run("ip", "-n", ns, "link", "add", dev, "type", "veth", "peer", "name", "mpb" + id, "netns", peerNs);
        run("ip", "-n", ns, "addr", "add", "10.201.78.1/24", "dev", dev);
        run("ip", "-n", peerNs, "addr", "add", "10.201.78.2/24", "dev", "mpb" + id);
        run("ip", "-n", ns, "link", "set", dev, "up");
        run("ip", "-n", peerNs, "link", "set", "mpb" + id, "up");
    }

    @AfterEach
    void cleanUp() {
        if (Files.exists(Path.of("/run/netns", ns))) {
            inNs("./jbpf", "unload", "--dev", dev, "--all"); // takes the dispatcher's pins along; may find nothing
        }
        Sh.run("ip", "netns", "del", ns);
        Sh.run("ip", "netns", "del", peerNs);
        Sh.run("rm", "-rf", pins.toString());
    }

    @Test
    @Tag("vm")
    void programsRunInPriorityOrderBesideXdpLoadersOrFallBackToOne() throws IOException {
        if (Features.hook(Features.Hook.BPF_TRAMPOLINES) != Features.Support.YES) {
            fallsBackToOneProgram();
            return;
        }
        // loaded out of order: priorities 50, 30, 40
        int third = load("mp_third.o");
        int first = load("mp_first.o");
        int second = load("mp_second.o");

        Sh.Result xs = inNs("xdp-loader", "status", dev);
        assertThat(xs.exit()).as(xs.all()).isZero();
        assertThat(xs.out()).containsPattern("(?s)xdp_dispatcher.*=>\\s+30\\s+mp_first\\s+" + first
                + ".*=>\\s+40\\s+mp_second\\s+" + second + ".*=>\\s+50\\s+mp_third\\s+" + third);

        long[] before = counters();
        ping(5);
        long[] after = counters();
        for (int rank = 1; rank <= 3; rank++) {
            long runs = after[rank] - before[rank];
            assertThat(runs).as("packets component %d saw", rank).isGreaterThanOrEqualTo(5);
            assertThat(after[4 + rank] - before[4 + rank]).as("of those, right after component %d", rank - 1)
                    .isEqualTo(runs);
        }

        // a program xdp-loader adds (priority 50 by default, after mp_third by name) is jbpf's to see
        Sh.Result xl = inNs("xdp-loader", "load", "-m", "skb", dev, Objects.str("xdp_pass.o"));
        assertThat(xl.exit()).as(xl.all()).isZero();
        Sh.Result st = inNs("./jbpf", "status", "--dev", dev, "--json");
        assertThat(st.exit()).as(st.all()).isZero();
        assertThat(st.out()).containsPattern("(?s)\"prog_name\":\"mp_first\".*\"prog_name\":\"mp_second\".*"
                + "\"prog_name\":\"mp_third\".*\"prog_name\":\"xdp_pass_func\",\"tag\":\"[0-9a-f]+\",\"priority\":50");
        int xdpPass = progId(st.out(), "xdp_pass_func");

        // removing the middle one keeps the others running
        Sh.Result un = inNs("./jbpf", "unload", "--dev", dev, "--id", String.valueOf(second));
        assertThat(un.exit()).as(un.all()).isZero();
        Sh.Result xs2 = inNs("xdp-loader", "status", dev);
        assertThat(xs2.out()).contains("mp_first", "mp_third", "xdp_pass_func").doesNotContain("mp_second");
        before = counters();
        ping(5);
        after = counters();
        assertThat(after[1] - before[1]).as("mp_first after the unload").isGreaterThanOrEqualTo(5);
        assertThat(after[3] - before[3]).as("mp_third after the unload").isGreaterThanOrEqualTo(5);
        assertThat(after[2] - before[2]).as("mp_second is gone").isZero();
        assertThat(inNs("./jbpf", "status", "--dev", dev).out()).contains(" " + xdpPass + " ");

        Sh.Result all = inNs("./jbpf", "unload", "--dev", dev, "--all");
        assertThat(all.exit()).as(all.all()).isZero();
        assertThat(all.out()).contains("mp_first", "mp_third", "xdp_pass_func");
        assertThat(inNs("xdp-loader", "status", dev).out()).contains("No XDP program loaded");
        assertThat(dispatcherDirs()).isEmpty();
    }

    /**
     * The library, in-process (from a thread in the device's netns): add twice, list, remove one,
     * remove all; through a dispatcher where the kernel has freplace, else the one program directly
     * with the reason. No fd stays open.
     */
    @Test
    @Tag("vm")
    void libraryAddsListsAndRemovesWithoutLeakingFds() {
        boolean multi = Features.hook(Features.Hook.BPF_TRAMPOLINES) == Features.Support.YES;
        LoadOptions options = LoadOptions.defaults().withPinRoot(pins);
        int fds = Fds.count();
        NetNs.call(ns, () -> {
            BpfObjectSpec second = BpfObjectSpec.read(Objects.path("multi/mp_second.o"));
            XdpMultiprog one = XdpMultiprog.add(dev, XdpMode.SKB, second, "mp_second",
                    RunConfig.of(second, "mp_second"), options);
            if (!multi) {
                assertThat(one.fallback()).get().asString().contains("freplace");
                assertThat(one.dispatcherId()).isZero();
                assertThat(XdpMultiprog.query(dev)).as("a program alone is no dispatcher").isEmpty();
                assertThat(XdpMultiprog.removeAll(dev)).extracting(XdpMultiprog.Component::name).containsExactly("mp_second");
                return null;
            }
            assertThat(one.fallback()).isEmpty();
            BpfObjectSpec first = BpfObjectSpec.read(Objects.path("multi/mp_first.o"));
            // priority 45 given by the caller: after mp_second (40) although mp_first.o says 30
            XdpMultiprog two = XdpMultiprog.add(dev, null, first, "mp_first",
                    RunConfig.of(first, "mp_first").withPriority(45), options);
            assertThat(two.mode()).isEqualTo(XdpMode.SKB);
            assertThat(two.components()).extracting(XdpMultiprog.Component::name).containsExactly("mp_second", "mp_first");
            assertThat(two.pinDirectory().resolve("prog1-link")).exists();
            assertThat(one.pinDirectory()).as("the old dispatcher's pins").doesNotExist();
            XdpMultiprog listed = XdpMultiprog.query(dev).orElseThrow();
            assertThat(listed.dispatcherId()).isEqualTo(two.dispatcherId());
            assertThat(listed.components()).extracting(c -> c.config().priority()).containsExactly(40, 45);
            int secondId = listed.components().get(0).progId();
            XdpMultiprog left = XdpMultiprog.remove(dev, secondId).orElseThrow();
            assertThat(left.components()).extracting(XdpMultiprog.Component::name).containsExactly("mp_first");
            assertThat(XdpMultiprog.removeAll(dev)).extracting(XdpMultiprog.Component::name).containsExactly("mp_first");
            assertThat(XdpMultiprog.query(dev)).isEmpty();
            assertThat(left.pinDirectory()).doesNotExist();
            return null;
        });
        assertThat(Fds.count()).isEqualTo(fds);
    }

    /** This host: freplace refused, so the one program goes on directly, with a message, and works. */
    private void fallsBackToOneProgram() throws IOException {
        Sh.Result r = inNs("./jbpf", "load", Objects.str("multi/mp_first.o"), "--dev", dev, "--multi", "-m", "skb",
                "--pin-path", pins.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.err()).contains("the kernel refuses the freplace programs an XDP dispatcher's slots need",
                "loaded mp_first directly on " + dev, "libxdp falls back the same way");
        assertThat(r.err().lines().count()).as("one line").isEqualTo(1);
        ping(3);
        assertThat(counters()[1]).as("mp_first ran").isGreaterThanOrEqualTo(3);
        assertThat(inNs("./jbpf", "status", "--dev", dev).out()).contains("mp_first").doesNotContain("xdp_dispatcher");

        Sh.Result second = inNs("./jbpf", "load", Objects.str("multi/mp_second.o"), "--dev", dev, "--multi", "-m", "skb",
                "--pin-path", pins.toString());
        assertThat(second.exit()).isNotZero();
        assertThat(second.err()).contains("runs XDP program mp_first", "not an XDP dispatcher", "unload it first");
        assertThat(dispatcherDirs()).isEmpty();
    }

    private int load(String object) {
        Sh.Result r = inNs("./jbpf", "load", Objects.str("multi/" + object), "--dev", dev, "--multi", "-m", "skb",
                "--pin-path", pins.toString(), "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        Matcher m = PROG_ID.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static int progId(String statusJson, String name) {
        Matcher m = Pattern.compile("\"prog_id\":(\\d+),\"prog_name\":\"" + name + "\"").matcher(statusJson);
        assertThat(m.find()).as(statusJson).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** mp_order: [0] last rank, [k] packets component k saw, [4 + k] of those right after component k - 1. */
    private long[] counters() {
        long[] out = new long[8];
        try (BpfMap m = BpfMap.fromPin(pins.resolve("mp_order"))) {
            for (int k = 0; k < 8; k++) {
                byte[] v = m.lookup(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, k).array());
                out[k] = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong();
            }
        }
        return out;
    }

    private void ping(int count) {
        Sh.Result r = Sh.run("ip", "netns", "exec", peerNs, "ping", "-c", String.valueOf(count), "-i", "0.2", "-W", "2",
                "10.201.78.1");
        assertThat(r.out()).as(r.all()).contains(count + " received");
    }

    private List<Path> dispatcherDirs() throws IOException {
        Path root = XdpMultiprog.pinRoot();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        int ifindex = Integer.parseInt(Sh.run("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + dev + "/ifindex")
                .out().strip());
        try (Stream<Path> s = Files.list(root)) {
            return new ArrayList<>(s.filter(p -> p.getFileName().toString().startsWith("dispatch-" + ifindex + "-")).toList());
        }
    }

    private Sh.Result inNs(String... cmd) {
        List<String> full = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + ns));
        full.add(cmd[0].equals("./jbpf") ? Kernel.root().resolve("jbpf").toString() : cmd[0]);
        full.addAll(List.of(cmd).subList(1, cmd.length));
        return Sh.run(full);
    }

    private static void run(String... cmd) {
        Sh.Result r = Sh.run(cmd);
        assertThat(r.exit()).as(String.join(" ", cmd) + ": " + r.all()).isZero();
    }
}
