package io.jbpf.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.BpfObject;
import io.jbpf.cli.Jbpf;
import io.jbpf.link.IfAttached;
import io.jbpf.link.XdpAttach;
import io.jbpf.link.XdpBpfLink;
import io.jbpf.link.XdpLink;
import io.jbpf.link.XdpMode;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.NetNs;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TcNet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jbpf dump} while the peer pings the device: the pcapng file it writes holds exactly the
 * pings (tcpdump -r reads it), the pings keep being answered, and afterwards the device has the
 * same program and nothing of jbpf dump's (program, map) is left. Entry capture (the program that
 * tail-calls the device's) works on every kernel; entry-exit capture (fentry/fexit) on the second
 * kernel, where the exit records carry the action; here it is refused, saying why. Bad input
 * changes nothing on the device. IPv6 is off and the neighbours are static in both namespaces, so
 * the pings are the only packets the device's program sees.
 */
@Tag("vm")
class DumpIT {
    private static final int PINGS = 5;

    @TempDir
    Path tmp;
    private TcNet net;
    private BpfObject obj;
    private BpfObject peerObj;
    private XdpLink attached;
    private XdpLink peerAttached;
    private int fdsBefore;

    @BeforeEach
    void setUp() {
        Kernel.require();
        fdsBefore = Fds.count();
        net = TcNet.setup();
        quiet(net.ns, net.dev, mac(net.peerNs, net.peerDev), net.peerAddr);
        quiet(net.peerNs, net.peerDev, mac(net.ns, net.dev), net.addr);
    }

    @AfterEach
    void tearDown() {
        try {
            detach();
        } finally {
            if (net != null) {
                net.close();
            }
        }
        assertThat(Fds.count()).as("no fd left open").isEqualTo(fdsBefore);
    }

    /** Entry capture into a pcapng file while pinging: tcpdump reads exactly the echo requests. */
    @Test
    void entryCaptureWritesThePingsToPcapngAndPutsTheProgramBack() throws Exception {
        int progId = attach("xdp_pass.o", "xdp_pass_func");
        Path pcap = tmp.resolve("x.pcap");
        Result r = dumpWhilePinging("--dev", net.dev, "-w", pcap.toString(), "--count", String.valueOf(PINGS),
                "--mode", "entry");
        assertThat(r.code).as("exit code; %s", r).isZero();
        assertThat(r.err).contains("listening on " + net.dev + ", XDP program xdp_pass_func (id " + progId
                + ", native mode), capture mode entry").contains(PINGS + " packets captured");
        assertThat(r.out).as("the packets went to the file, not to standard output").isEmpty();
        String[] lines = tcpdump(pcap);
        assertThat(lines).hasSize(PINGS).allSatisfy(l -> assertThat(l)
                .contains("IP " + net.peerAddr + " > " + net.addr + ": ICMP echo request"));
        for (int i = 0; i < PINGS; i++) {
            assertThat(lines[i]).contains("seq " + (i + 1));
        }
        assertThat(Files.readString(pcap, StandardCharsets.ISO_8859_1)).contains("entry").contains(net.dev);
        assertUntouched(progId);
    }

    /** A program attached through a bpf_link: the link is updated to the capture program and back. */
    @Test
    void entryCaptureOfAProgramHeldByABpfLink() throws Exception {
        obj = BpfObject.load(Objects.path("xdp_pass.o"));
        int progId = obj.program("xdp_pass_func").id();
        try (XdpBpfLink link = NetNs.call(net.ns, () -> XdpBpfLink.attach(obj.program("xdp_pass_func"), net.dev,
                XdpMode.NATIVE))) {
            Path pcap = tmp.resolve("link.pcap");
            Result r = dumpWhilePinging("--dev", net.dev, "-w", pcap.toString(), "--count", String.valueOf(PINGS),
                    "--mode", "entry");
            assertThat(r.code).as("exit code; %s", r).isZero();
            assertThat(tcpdump(pcap)).hasSize(PINGS);
            assertThat(link.info().progId()).as("the link runs its program again").isEqualTo(progId);
            assertUntouched(progId);
        }
    }

    /** Without -w: a line per packet with the time, the device, where it was seen and a decode. */
    @Test
    void linesWithoutAFile() throws Exception {
        int progId = attach("xdp_pass.o", "xdp_pass_func");
        Result r = dumpWhilePinging("--dev", net.dev, "--count", "3", "--mode", "entry", "--snaplen", "64");
        assertThat(r.code).as("exit code; %s", r).isZero();
        String[] lines = Arrays.stream(r.out.split("\n")).filter(l -> l.contains(" len ")).toArray(String[]::new);
        assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).matches(
                "\\d\\d:\\d\\d:\\d\\d\\.\\d{6} " + net.dev + " entry +len 98: IP " + Pattern.quote(net.peerAddr) + " > "
                        + Pattern.quote(net.addr) + ": ICMP echo request, id \\d+, seq \\d"));
        assertUntouched(progId);
    }

    /**
     * Entry and exit: on a kernel with BPF trampolines each ping is recorded as xdp_icmp_echo gets
     * it and as it leaves with XDP_TX (now an echo reply); the device's program is not swapped.
     * Where trampolines are refused, --mode entry-exit fails saying why, and changes nothing.
     */
    @Test
    void entryAndExitWithTheAction() throws Exception {
        int progId = attach("xdp_icmp_echo.o", "xdp_icmp_echo_func");
        Path pcap = tmp.resolve("x.pcap");
        if (XdpDump.defaultMode() != XdpDump.Mode.ENTRY_EXIT) {
            Result r = dump("--dev", net.dev, "-w", pcap.toString(), "--count", "1", "--mode", "entry-exit");
            assertThat(r.code).isEqualTo(1);
            assertThat(r.err).contains("--mode entry-exit: this kernel refuses BPF trampolines (fentry/fexit)")
                    .contains("use --mode entry");
            assertThat(pcap).doesNotExist();
            assertUntouched(progId);
            return;
        }
        Result r = dumpWhilePinging("--dev", net.dev, "-w", pcap.toString(), "--count", String.valueOf(PINGS));
        assertThat(r.code).as("exit code; %s", r).isZero();
        assertThat(r.err).contains("capture mode entry-exit");
        String[] lines = tcpdump(pcap);
        assertThat(lines).as("an entry and an exit record per ping").hasSize(2 * PINGS);
        for (int i = 0; i < PINGS; i++) {
            assertThat(lines[2 * i]).contains("IP " + net.peerAddr + " > " + net.addr + ": ICMP echo request");
            assertThat(lines[2 * i + 1]).contains("IP " + net.addr + " > " + net.peerAddr + ": ICMP echo reply");
        }
        String file = Files.readString(pcap, StandardCharsets.ISO_8859_1);
        assertThat(count(file, "exit XDP_TX")).isEqualTo(PINGS);
        assertThat(count(file, "entry")).isEqualTo(PINGS);
        assertUntouched(progId);
        assertThat(Sh.run("bpftool", "link", "show").out()).doesNotContain("jdu_");
    }

    /**
     * Ctrl-C (SIGINT) on ./jbpf dump, with no --count or --duration: it stops, the file holds the
     * pings, and the device has its own program again.
     */
    @Test
    void interruptPutsTheProgramBack() throws Exception {
        int progId = attach("xdp_pass.o", "xdp_pass_func");
        Path pcap = tmp.resolve("int.pcap");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder("nsenter", "--net=/run/netns/" + net.ns, Kernel.root().resolve("jbpf").toString(),
                "dump", "--dev", net.dev, "-w", pcap.toString(), "--mode", "entry")
                .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(err).contains("listening on")) {
                assertThat(p.isAlive()).as("jbpf dump runs: %s", Files.readString(err)).isTrue();
                assertThat(System.nanoTime()).as("jbpf dump listens").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(NetNs.call(net.ns, () -> XdpAttach.query(net.dev).progId(XdpMode.NATIVE)))
                    .as("the capture program is in the device's program's place").isNotEqualTo(progId);
            assertThat(net.ping(3)).as("pings answered through the tail call").isEqualTo(3);
            assertThat(Sh.run("kill", "-INT", String.valueOf(p.pid())).exit()).isZero();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("jbpf dump stops on SIGINT").isTrue();
        } finally {
            p.destroyForcibly().waitFor();
        }
        assertThat(Files.readString(err)).contains("3 packets captured");
        assertThat(tcpdump(pcap)).hasSize(3);
        assertUntouched(progId);
    }

    @Test
    void badInputChangesNothing() throws Exception {
        Result unknown = dump("--dev", "jdunosuch0", "--count", "1");
        assertThat(unknown.code).isEqualTo(1);
        assertThat(unknown.err).contains("device 'jdunosuch0' not found");

        Result none = dump("--dev", net.dev, "--count", "1", "--mode", "entry");
        assertThat(none.code).isEqualTo(1);
        assertThat(none.err).contains("device '" + net.dev + "' has no XDP program attached");

        int progId = attach("xdp_pass.o", "xdp_pass_func");
        Result unwritable = dump("--dev", net.dev, "-w", tmp.resolve("no/such/dir/x.pcap").toString(), "--count", "1",
                "--mode", "entry");
        assertThat(unwritable.code).isEqualTo(1);
        assertThat(unwritable.err).contains("cannot write " + tmp.resolve("no/such/dir/x.pcap"))
                .contains("the device was not touched");
        Result badMode = dump("--dev", net.dev, "--mode", "exit");
        assertThat(badMode.code).isEqualTo(2);
        assertThat(badMode.err).contains("--mode exit: use entry or entry-exit");
        Result badSnaplen = dump("--dev", net.dev, "--snaplen", "70000");
        assertThat(badSnaplen.code).isEqualTo(2);
        assertUntouched(progId);
    }

    // --- helpers ---

    private record Result(int code, String out, String err) {
    }

    private Result dump(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = NetNs.call(net.ns, () -> Jbpf.run(new PrintWriter(out), new PrintWriter(err),
                concat("dump", args)));
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs jbpf dump in the device's namespace; once it listens, the peer pings PINGS times, all answered. */
    private Result dumpWhilePinging(String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> NetNs.call(net.ns,
                () -> Jbpf.run(new PrintWriter(out, true), new PrintWriter(err, true), concat("dump", args))));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(out.toString() + err).contains("listening on") && !code.isDone()) {
            assertThat(System.nanoTime()).as("jbpf dump listens; %s %s", out, err).isLessThan(deadline);
            Thread.sleep(20);
        }
        int pings = code.isDone() ? -1 : net.ping(PINGS);
        int rc = code.get(30, TimeUnit.SECONDS);
        Result r = new Result(rc, out.toString(), err.toString());
        assertThat(pings).as("every ping answered during the dump; %s", r).isEqualTo(PINGS);
        return r;
    }

    private static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /** Attaches {@code program} of {@code object} to the device (and xdp_pass to the peer, for XDP_TX); its id. */
    private int attach(String object, String program) {
        obj = BpfObject.load(Objects.path(object));
        peerObj = BpfObject.load(Objects.path("xdp_pass.o"));
        attached = NetNs.call(net.ns, () -> XdpLink.attach(obj.program(program), net.dev, XdpMode.NATIVE,
                IfAttached.FAIL));
        peerAttached = NetNs.call(net.peerNs, () -> XdpLink.attach(peerObj.program("xdp_pass_func"), net.peerDev,
                XdpMode.NATIVE, IfAttached.FAIL));
        assertThat(net.ping(1)).as("answered before the dump").isEqualTo(1);
        return obj.program(program).id();
    }

    private void detach() {
        if (attached != null) {
            NetNs.call(net.ns, () -> {
                attached.close();
                return null;
            });
        }
        if (peerAttached != null) {
            NetNs.call(net.peerNs, () -> {
                peerAttached.close();
                return null;
            });
        }
        if (obj != null) {
            obj.close();
        }
        if (peerObj != null) {
            peerObj.close();
        }
    }

    /** The device has program {@code progId} again, answers pings, and no jdu_ program or map is loaded. */
    private void assertUntouched(int progId) {
        assertThat(NetNs.call(net.ns, () -> XdpAttach.query(net.dev).progId(XdpMode.NATIVE))).isEqualTo(progId);
        assertThat(net.ping(2)).isEqualTo(2);
        assertThat(Sh.run("bpftool", "prog", "show").out()).doesNotContain("jdu_");
        assertThat(Sh.run("bpftool", "map", "show").out()).doesNotContain("jdu_");
    }

    private static String[] tcpdump(Path pcap) {
        Sh.Result r = Sh.run("tcpdump", "-nr", pcap.toString());
        assertThat(r.exit()).as("tcpdump -r: %s", r.all()).isZero();
        return r.out().isBlank() ? new String[0] : r.out().strip().split("\n");
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static String mac(String ns, String dev) {
        Sh.Result r = Sh.run("ip", "-n", ns, "-o", "link", "show", "dev", dev);
        Matcher m = Pattern.compile("link/ether ([0-9a-f:]{17})").matcher(r.out());
        assertThat(m.find()).as("MAC of %s: %s", dev, r.all()).isTrue();
        return m.group(1);
    }

    /** No IPv6 and a permanent neighbour entry in {@code ns}: its device sends nothing but what the test does. */
    private static void quiet(String ns, String dev, String peerMac, String peerAddr) {
        for (String[] cmd : new String[][] {
                {"ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"},
                {"ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf." + dev + ".disable_ipv6=1"},
                {"ip", "-n", ns, "neigh", "replace", peerAddr, "lladdr", peerMac, "dev", dev, "nud", "permanent"}}) {
            Sh.Result r = Sh.run(cmd);
            assertThat(r.exit()).as("%s: %s", String.join(" ", cmd), r.all()).isZero();
        }
    }
}
