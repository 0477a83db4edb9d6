package io.jbpf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.BpfMap;
import io.jbpf.link.NetnsLink;
import io.jbpf.link.Sockets;
import io.jbpf.testing.CliRun;
import io.jbpf.testing.MapReads;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TcNet;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.UpdateFlags;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code jbpf load OBJ --attach} for the hooks beyond XDP and tracepoints: tc (TCX and clsact) and
 * cgroups, each proven from outside (pings dropped, {@code tc} and {@code bpftool} list the
 * attachment) and taken back by removing the pins or the filter.
 */
class CliHooksIT {
    private static final String TC_OBJ = Objects.path("hooks/tc_icmp.o").toString();
    private static final String CG_OBJ = Objects.path("hooks/cgroup_skb.o").toString();

    @BeforeAll
    static void kernel() {
        Kernel.require();
    }

    private static Path pinDir() {
        return Path.of("/sys/fs/bpf/jcl-hooks-" + ThreadLocalRandom.current().nextInt(1 << 30));
    }

    @Test
    void tcxFromTheSectionDropsPingsUntilUnloaded() {
        Path pins = pinDir();
        try (TcNet net = TcNet.setup()) {
            CliRun r = CliRun.in(net.ns, "load", TC_OBJ, "--attach", "--prog", "tcx_drop_icmp", "--dev", net.dev,
                    "--pin", pins.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("tcx_drop_icmp").contains(net.dev + " ingress (tcx)");
            assertThat(pins.resolve("links/tcx_drop_icmp")).exists();
            assertThat(net.ping(3)).as("TCX drop program pinned by jbpf load --attach").isZero();
            CliRun listed = CliRun.in(net.ns, "net", "--dev", net.dev);
            assertThat(listed.out()).contains("tcx/ingress tcx_drop_icmp");

            CliRun unload = CliRun.in(net.ns, "unload", "--dev", net.dev, "--tc", "ingress");
            assertThat(unload.exit()).as(unload.err()).isZero();
            assertThat(unload.out()).contains("tcx link");
            assertThat(net.ping(3)).as("pings pass once jbpf unload --tc detached the pinned link").isEqualTo(3);
            assertThat(pins.resolve("links/tcx_drop_icmp")).as("the pin stays, of a detached link").exists();
        } finally {
            Sh.run("rm", "-rf", pins.toString());
        }
    }

    @Test
    void clsactFilterNeedsADirectionStaysWithoutPinsAndIsListedAndUnloaded() {
        try (TcNet net = TcNet.setup()) {
            CliRun missing = CliRun.in(net.ns, "load", TC_OBJ, "--attach", "--prog", "tc_drop_icmp", "--dev", net.dev,
                    "--tc-mode", "clsact");
            assertThat(missing.exit()).isNotZero();
            assertThat(missing.err()).contains("does not say ingress or egress: give --tc ingress or --tc egress");

            CliRun r = CliRun.in(net.ns, "load", TC_OBJ, "--attach", "--prog", "tc_drop_icmp", "--dev", net.dev,
                    "--tc", "ingress", "--tc-mode", "clsact");
            assertThat(r.exit()).as(r.err()).isZero();
            Sh.Result shown = Sh.run("tc", "-n", net.ns, "filter", "show", "dev", net.dev, "ingress");
            assertThat(shown.out()).contains("tc_drop_icmp").contains("direct-action");
            assertThat(net.ping(3)).as("cls_bpf filter left by jbpf load").isZero();

            CliRun listed = CliRun.in(net.ns, "net", "--dev", net.dev);
            assertThat(listed.exit()).as(listed.err()).isZero();
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("clsact/ingress tc_drop_icmp id (\\d+)").matcher(listed.out());
            assertThat(id.find()).as(listed.out()).isTrue();
            assertThat(Sh.run("ip", "netns", "exec", net.ns, "bpftool", "net").out())
                    .as("bpftool net agrees").contains("clsact/ingress tc_drop_icmp id " + id.group(1));

            CliRun unload = CliRun.in(net.ns, "unload", "--dev", net.dev, "--tc", "ingress");
            assertThat(unload.exit()).as(unload.err()).isZero();
            assertThat(unload.out()).contains("Deleted bpf filter", "tc_drop_icmp");
            assertThat(Sh.run("tc", "-n", net.ns, "filter", "show", "dev", net.dev, "ingress").out()).doesNotContain("tc_drop_icmp");
            assertThat(net.ping(3)).isEqualTo(3);
        }
    }

    @Test
    void cgroupProgramsGoToTheGivenCgroupAndBpftoolSeesThem() throws IOException {
        Path cgroup = Path.of("/sys/fs/cgroup/unified/jcl-hooks-" + ThreadLocalRandom.current().nextInt(1 << 30));
        Path pins = pinDir();
        Files.createDirectories(cgroup);
        try {
            CliRun noCgroup = CliRun.of("load", CG_OBJ, "--attach", "--prog", "cg_count_egress", "--pin", pins.toString());
            assertThat(noCgroup.exit()).isNotZero();
            assertThat(noCgroup.err()).contains("needs a cgroup: give --cgroup PATH");
            assertThat(pins).doesNotExist();

            CliRun r = CliRun.of("load", CG_OBJ, "--attach", "--prog", "cg_count_egress", "--cgroup", cgroup.toString(),
                    "--pin", pins.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(Sh.run("bpftool", "cgroup", "show", cgroup.toString()).out()).contains("cg_count_egress").contains("egress");

            Sh.run("rm", "-rf", pins.toString());
            String shown = "";
            for (int i = 0; i < 50; i++) {
                shown = Sh.run("bpftool", "cgroup", "show", cgroup.toString()).out();
                if (!shown.contains("cg_count_egress")) {
                    break;
                }
                Thread.sleep(100); // the link is released from a workqueue once its pins are gone
            }
            assertThat(shown).doesNotContain("cg_count_egress");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            Sh.run("rm", "-rf", pins.toString());
            Sh.run("rmdir", cgroup.toString());
        }
    }

    @Test
    void rawTracepointsAttachFromTheirSectionAndKprobesSayWhyNot() {
        Path pins = pinDir();
        try {
            CliRun r = CliRun.of("load", Objects.str("hooks/trace_syscalls.o"), "--attach", "--prog", "jtr_raw_tp",
                    "--pin", pins.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            Path link = pins.resolve("links/jtr_raw_tp");
            assertThat(Sh.run("bpftool", "link", "show", "pinned", link.toString()).out()).contains("raw_tracepoint")
                    .contains("sys_enter");

            CliRun kprobe = CliRun.of("load", Objects.str("hooks/trace_kprobe.o"), "--attach", "--pin", pins.resolve("k").toString());
            if (Files.exists(Path.of("/sys/bus/event_source/devices/kprobe"))) {
                assertThat(kprobe.exit()).as(kprobe.err()).isZero(); // a kernel with kprobes (issue 12's second kernel)
            } else {
                assertThat(kprobe.exit()).isEqualTo(1);
                assertThat(kprobe.err()).contains("this kernel has no kprobes (CONFIG_KPROBES)");
                assertThat(pins.resolve("k")).as("nothing pinned after the refusal").doesNotExist();
            }
        } finally {
            Sh.run("rm", "-rf", pins.toString());
        }
    }
    private static Path jcaPins() {
        return Path.of("/sys/fs/bpf/jca-" + ThreadLocalRandom.current().nextInt(1 << 30));
    }

    /** The u64 at offset {@code off} of the pinned .bss map under {@code dir} (bpffs names it *_bss). */
    private static long bss(Path dir, int off) throws IOException {
        Path pin;
        try (var files = Files.list(dir)) {
            pin = files.filter(f -> f.getFileName().toString().endsWith("_bss")).findFirst().orElseThrow();
        }
        try (BpfMap m = BpfMap.fromPin(pin)) {
            return MapReads.u64(m.lookup(MapReads.le32(0)), off);
        }
    }

    /**
     * The link type {@code bpftool link show pinned} prints: its name, or {@code type N} for a type
     * newer than the bpftool (Debian 12's bpftool 7.1 knows neither sockmap nor netfilter links).
     */
    private static String linkType(Path pin) {
        String out = Sh.run("bpftool", "link", "show", "pinned", pin.toString()).out();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\d+: (type \\d+|\\S+) ").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1);
    }

    /** A network namespace {@code jcaN} with lo up, deleted by {@link #deleteNs}. */
    private static String newNs() {
        String ns = "jca" + ThreadLocalRandom.current().nextInt(10000, 99999);
        assertThat(Sh.run("ip", "netns", "add", ns).exit()).isZero();
        assertThat(Sh.run("ip", "-n", ns, "link", "set", "lo", "up").exit()).isZero();
        return ns;
    }

    private static void deleteNs(String ns) {
        Sh.run("ip", "netns", "del", ns);
    }

    /** Replies to {@code count} pings of {@code addr} from inside {@code ns}. */
    private static int ping(String ns, String addr, int count) {
        Sh.Result r = Sh.run("ip", "netns", "exec", ns, "ping", "-n", "-q", "-c", String.valueOf(count), "-i", "0.2", "-W", "1",
                addr);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) (packets )?received").matcher(r.out());
        assertThat(m.find()).as("ping output: %s", r.all()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void perfEventProgramsGetOneLinkPerCpuAndCountAfterJbpfExited() throws Exception {
        Path pins = jcaPins();
        String obj = Objects.str("hooks/trace_perf.o");
        try {
            CliRun none = CliRun.of("load", obj, "--attach", "--pin", pins.toString());
            assertThat(none.exit()).isEqualTo(1);
            assertThat(none.err()).contains("needs an event and a rate: give --perf-event EVENT", "cpu-clock",
                    "--sample-period N or --sample-freq HZ");
            assertThat(pins).doesNotExist();
            CliRun both = CliRun.of("load", obj, "--attach", "--perf-event", "cpu-clock", "--sample-period", "100000",
                    "--sample-freq", "99", "--pin", pins.toString());
            assertThat(both.exit()).isEqualTo(2);
            assertThat(both.err()).contains("--sample-period and --sample-freq exclude each other");

            CliRun r = CliRun.of("load", obj, "--attach", "--perf-event", "cpu-clock", "--sample-freq", "1000", "--json",
                    "--pin", pins.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            int[] cpus = io.jbpf.internal.sys.PossibleCpus.online();
            for (int cpu : cpus) {
                Path link = pins.resolve("links/jtr_perf_cpu" + cpu);
                assertThat(r.out()).contains("\"pin\":\"" + link + "\"", "cpu-clock on cpu " + cpu + " (1000 Hz)");
                assertThat(Sh.run("bpftool", "link", "show", "pinned", link.toString()).out()).contains("perf_event");
            }
            assertThat(r.out().split("\"link_id\"", -1)).as("--json lists every link").hasSize(cpus.length + 1);
            long before = bss(pins, 0);
            Thread.sleep(300);
            long after = bss(pins, 0);
            assertThat(after).as("the program samples cpu-clock after jbpf exited").isGreaterThan(before);

            // jbpf attach: the pinned program on another event, one link per CPU pinned as PATH_cpuN
            Path att = pins.resolve("links/again");
            CliRun again = CliRun.of("attach", "pinned", pins.resolve("jtr_perf").toString(), "--perf-event", "task-clock",
                    "--sample-period", "1000000", "--pin", att.toString(), "--json");
            assertThat(again.exit()).as(again.err()).isZero();
            assertThat(again.out().split("\"link_id\"", -1)).as("--json lists every link").hasSize(cpus.length + 1);
            for (int cpu : cpus) {
                assertThat(again.out()).contains("\"pin\":\"" + att + "_cpu" + cpu + "\"", "task-clock on cpu " + cpu);
                assertThat(linkType(Path.of(att + "_cpu" + cpu))).isEqualTo("perf_event");
            }

            Sh.run("rm", "-rf", pins.resolve("links").toString());
            Thread.sleep(300); // links are released from a workqueue once their pins are gone
            long stopped = bss(pins, 0);
            Thread.sleep(300);
            assertThat(bss(pins, 0)).as("no samples once the pins are gone").isEqualTo(stopped);
        } finally {
            Sh.run("rm", "-rf", pins.toString());
        }
    }

    @Test
    void skMsgAttachesToTheObjectsSockmapAndRedirectsAfterJbpfExited() throws Exception {
        Path pins = jcaPins();
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             SocketChannel c1 = SocketChannel.open(server.getLocalAddress());
             SocketChannel a1 = server.accept();
             SocketChannel c2 = SocketChannel.open(server.getLocalAddress());
             SocketChannel a2 = server.accept()) {
            CliRun wrong = CliRun.of("load", Objects.str("hooks/sock_msg_redirect.o"), "--attach", "--prog", "msg_redirect",
                    "--map", "nosuch", "--pin", pins.toString());
            assertThat(wrong.exit()).isEqualTo(1);
            assertThat(wrong.err()).contains("there is no map nosuch", "sock_map");

            CliRun r = CliRun.of("load", Objects.str("hooks/sock_msg_redirect.o"), "--attach", "--prog", "msg_redirect",
                    "--pin", pins.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("map sock_map (msg_verdict)");
            Path link = pins.resolve("links/msg_redirect");
            assertThat(linkType(link)).as("bpftool's link type").isIn("sockmap", "type 14");

            try (BpfMap map = BpfMap.fromPin(pins.resolve("sock_map"))) {
                map.update(MapReads.le32(0), MapReads.le64(Sockets.fd(c1)), UpdateFlags.ANY);
                map.update(MapReads.le32(1), MapReads.le64(Sockets.fd(c2)), UpdateFlags.ANY);
            }
            c1.write(ByteBuffer.wrap("via jbpf".getBytes(StandardCharsets.UTF_8)));
            c2.configureBlocking(false);
            ByteBuffer got = ByteBuffer.allocate(64);
            for (int i = 0; i < 100 && got.position() < 8; i++) {
                c2.read(got);
                Thread.sleep(20);
            }
            assertThat(new String(got.array(), 0, got.position(), StandardCharsets.UTF_8))
                    .as("socket 2 receives what socket 1 sent, redirected by the sk_msg program jbpf attached").isEqualTo("via jbpf");
            assertThat(bss(pins, 0)).as("redirected").isEqualTo(1);
        } finally {
            Sh.run("rm", "-rf", pins.toString());
        }
    }

    @Test
    void netfilterProgramDropsANamespacesPingsUntilItsPinGoes() throws Exception {
        Path pins = jcaPins();
        String ns = newNs();
        try {
            CliRun bad = CliRun.in(ns, "load", Objects.str("hooks/netfilter_drop.o"), "--attach", "--nf-hook", "ipv4:sideways",
                    "--pin", pins.toString());
            assertThat(bad.exit()).isEqualTo(2);
            assertThat(bad.err()).contains("--nf-hook takes PF:HOOK[:PRIORITY]");
            CliRun missing = CliRun.in(ns, "load", Objects.str("hooks/netfilter_drop.o"), "--attach", "--pin", pins.toString());
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).contains("needs a hook: give --nf-hook");

            CliRun r = CliRun.in(ns, "load", Objects.str("hooks/netfilter_drop.o"), "--attach", "--nf-hook",
                    "ipv4:local_in:-128", "--pin", pins.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("netfilter ipv4 local_in priority -128");
            Path link = pins.resolve("links/nf_drop");
            assertThat(linkType(link)).as("bpftool's link type").isIn("netfilter", "type 10");
            assertThat(ping(ns, "127.0.0.1", 3)).as("the netfilter program drops the namespace's pings").isZero();
            assertThat(bss(pins, 0)).as("exactly the three echo requests, the namespace's only traffic").isEqualTo(3);

            Sh.run("rm", "-rf", link.toString());
            int replies = 0;
            for (int i = 0; i < 20 && replies == 0; i++) {
                replies = ping(ns, "127.0.0.1", 1); // the link goes from a workqueue once unpinned
            }
            assertThat(replies).as("pings pass once the link's pin is removed").isEqualTo(1);
        } finally {
            deleteNs(ns);
            Sh.run("rm", "-rf", pins.toString());
        }
    }

    @Test
    void lwtProgramRunsOnTheRouteJbpfAddsUntilUnloadDeletesIt() throws Exception {
        Path pins = jcaPins();
        String ns = newNs();
        String dev = ns + "d";
        int n = ThreadLocalRandom.current().nextInt(1, 250);
        String prefix = "10.201." + n + ".0/24";
        try {
            // a veth pair inside the namespace: this kernel has no dummy devices (and no modules)
            assertThat(Sh.run("ip", "-n", ns, "link", "add", dev, "type", "veth", "peer", "name", ns + "p").exit()).isZero();
            assertThat(Sh.run("ip", "-n", ns, "link", "set", ns + "p", "up").exit()).isZero();
            assertThat(Sh.run("ip", "-n", ns, "link", "set", dev, "up").exit()).isZero();
            CliRun noRoute = CliRun.in(ns, "load", Objects.str("hooks/lwt_xmit_drop.o"), "--attach", "--prog", "lwt_drop",
                    "--pin", pins.toString());
            assertThat(noRoute.exit()).isEqualTo(1);
            assertThat(noRoute.err()).contains("runs on a route: give --route PREFIX --dev DEV");

            CliRun r = CliRun.in(ns, "load", Objects.str("hooks/lwt_xmit_drop.o"), "--attach", "--prog", "lwt_drop",
                    "--route", prefix, "--dev", dev, "--pin", pins.toString(), "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("route " + prefix + " dev " + dev)
                    .contains("a route is no bpf_link, so --pin pins nothing for it: it stays until jbpf unload --route "
                            + prefix + " --dev " + dev);
            assertThat(pins.resolve("links")).as("no link to pin").doesNotExist();
            assertThat(Sh.run("ip", "-n", ns, "route", "show", prefix).out()).contains("encap bpf xmit lwt_drop");
            assertThat(ping(ns, "10.201." + n + ".7", 3)).isZero();
            assertThat(bss(pins, 0)).as("the three echo requests routed through the program").isEqualTo(3);

            CliRun unload = CliRun.in(ns, "unload", "--route", prefix, "--dev", dev);
            assertThat(unload.exit()).as(unload.err()).isZero();
            assertThat(unload.out()).contains("Deleted route " + prefix + " dev " + dev);
            assertThat(Sh.run("ip", "-n", ns, "route", "show", prefix).out()).isBlank();
            CliRun again = CliRun.in(ns, "unload", "--route", prefix, "--dev", dev);
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains("there is no such route");
        } finally {
            deleteNs(ns);
            Sh.run("rm", "-rf", pins.toString());
        }
    }

    @Test
    void skLookupGoesToTheNamedNamespaceAndSocketHooksNameTheLibraryCall() throws IOException {
        Path pins = jcaPins();
        String ns = newNs();
        try {
            CliRun r = CliRun.of("load", Objects.str("hooks/sock_sk_lookup.o"), "--attach", "--netns", "/run/netns/" + ns,
                    "--pin", pins.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("network namespace /run/netns/" + ns);
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("prog id (\\d+)").matcher(r.out());
            assertThat(id.find()).isTrue();
            assertThat(NetnsLink.attached(Path.of("/run/netns/" + ns), AttachType.SK_LOOKUP))
                    .as("attached in the named namespace, after jbpf exited").containsExactly(Integer.parseInt(id.group(1)));

            CliRun socket = CliRun.of("load", Objects.str("hooks/sock_filter_port.o"), "--attach", "--pin", pins.resolve("s").toString());
            assertThat(socket.exit()).isEqualTo(1);
            assertThat(socket.err()).contains("BPF_PROG_TYPE_SOCKET_FILTER", "SocketFilter.attach(program, channel)");
            CliRun reuseport = CliRun.of("load", Objects.str("hooks/sock_reuseport_select.o"), "--attach", "--pin",
                    pins.resolve("s").toString());
            assertThat(reuseport.exit()).isEqualTo(1);
            assertThat(reuseport.err()).contains("ReuseportAttachment.attach(program, channel)");
            CliRun none = CliRun.of("load", Objects.str("hooks/cli_unattachable.o"), "--attach", "--pin", pins.resolve("s").toString());
            assertThat(none.exit()).isEqualTo(1);
            assertThat(none.err()).contains("program cli_syscall (section syscall) is BPF_PROG_TYPE_SYSCALL",
                    "which jbpf cannot attach from the command line", "perf_event sections", "lwt_in, lwt_out and lwt_xmit");
            assertThat(pins.resolve("s")).as("refused before anything is loaded or pinned").doesNotExist();
        } finally {
            deleteNs(ns);
            Sh.run("rm", "-rf", pins.toString());
        }
    }
}
