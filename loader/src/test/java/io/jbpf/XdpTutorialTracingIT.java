package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TestEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The xdp-tutorial's tracing lessons as a learner walks them, with jbpf and testenv and the
 * programs in bpf-src/tutorial/tracing0*: xdp:xdp_exception counted per device and program
 * (tracing01), the xdp:* redirect tracepoints counted per device pair and error (tracing02),
 * bpf_printk lines read from the trace pipe with {@code jbpf prog tracelog} (tracing03), and
 * packets sampled through a perf buffer into a pcapng file that {@code tcpdump -r} reads
 * (tracing04). Each count is checked against the packets the test sent; tracepoints are
 * machine-wide, so counts are keyed by the test's own program ids.
 */
class XdpTutorialTracingIT {
    private static final String JBPF = Kernel.root().resolve("jbpf").toString();
    private static final Pattern PROG_ID = Pattern.compile("Loaded (\\w+) \\(section [^)]*\\) .*: prog id (\\d+)");

    @TempDir
    Path tmp;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    /** tracing01: every echo request the XDP program aborts is one xdp:xdp_exception, counted for its device. */
    @Test
    void tracing01CountsEveryAbortedPacket() {
        try (TestEnv env = TestEnv.setupAs("tb", "--legacy-ip")) {
            Path pin = Path.of(env.info("PIN_DIR"), "tracing01");
            Sh.Result load = env.tIn(Objects.path("tutorial/tracing01-xdp-simple"), "load", "--", "--attach", "--pin", pin.toString());
            assertThat(load.exit()).as(load.all()).isZero();
            assertThat(load.out()).contains("on tracepoint xdp/xdp_exception").contains("link pinned at " + pin + "/links/trace_xdp_exception");
            long prog = progId(load, "xdp_abort_func");

            assertThat(env.ping(5, true)).as("the echo requests are aborted").isZero();
            assertThat(env.ping(3, false)).isZero();
            Sh.Result dump = Sh.run(JBPF, "map", "dump", "pinned", pin.resolve("xdp_exceptions").toString(), "--json");
            assertThat(dump.exit()).as(dump.all()).isZero();
            assertThat(dump.out()).contains("{\"key\":{\"ifindex\":" + env.xdpIfindex() + ",\"prog_id\":" + prog + "},\"value\":8}");
            assertThat(XdpTutorialRedirectIT.stat(env, "XDP_ABORTED")).isEqualTo(8);

            Sh.Result unload = env.t("unload");
            assertThat(unload.exit()).as(unload.all()).isZero();
            assertThat(pin).as("t unload removes the pins, which detaches the tracepoint link").doesNotExist();
        }
    }

    /**
     * tracing02: xdp_monitor counts packet03's xdp_redirect from A to B (xdp:xdp_redirect, err 0)
     * and, once redirect_cfg names a device that does not exist, the failures
     * (xdp:xdp_redirect_err, -EINVAL).
     */
    @Test
    void tracing02CountsRedirectsAndRedirectErrorsPerDevice() {
        Path monitor = Path.of("/sys/fs/bpf/tb-monitor-" + ProcessHandle.current().pid());
        try (TestEnv a = TestEnv.setupAs("tb", "--legacy-ip"); TestEnv b = TestEnv.beside(a, "tb", "--legacy-ip")) {
            Sh.Result redirect = a.tIn(Objects.path("tutorial/packet03-redirecting"), "load", "--", "-F", "--progsec", "xdp_redirect",
                    "--pin-maps");
            assertThat(redirect.exit()).as(redirect.all()).isZero();
            long prog = progId(redirect, "xdp_redirect_func");
            String cfg = a.info("PIN_DIR") + "/redirect_cfg";
            mapUpdate(a, cfg, "key", "0", "value", "ifindex=" + b.xdpIfindex(), "dst_mac=" + b.peerMac());

            Sh.Result load = Sh.run(JBPF, "load", Objects.str("tutorial/tracing02-xdp-monitor/xdp_monitor_kern.o"), "--attach",
                    "--pin", monitor.toString());
            assertThat(load.exit()).as(load.all()).isZero();
            assertThat(load.out()).contains("on tracepoint xdp/xdp_redirect:").contains("on tracepoint xdp/xdp_redirect_err:");

            // B runs no program and the XDP netns does not forward: the requests arrive, no reply comes back.
            XdpTutorialRedirectIT.pingPeer(a, b, 4, true);
            mapUpdate(a, cfg, "key", "0", "value", "ifindex=999", "dst_mac=" + b.peerMac());
            XdpTutorialRedirectIT.pingPeer(a, b, 3, true);

            Sh.Result dump = Sh.run(JBPF, "map", "dump", "pinned", monitor.resolve("redirect_counts").toString(), "--json");
            assertThat(dump.exit()).as(dump.all()).isZero();
            assertThat(redirects(dump.out(), prog, a.xdpIfindex(), b.xdpIfindex(), 0)).as(dump.out()).isEqualTo(4);
            assertThat(redirects(dump.out(), prog, a.xdpIfindex(), 999, -22)).as(dump.out()).isEqualTo(3);
        } finally {
            Sh.run("rm", "-rf", monitor.toString()); // unpinning the links detaches the tracepoint programs
        }
    }

    /** tracing03: a bpf_printk line per echo request, read with jbpf prog tracelog. */
    @Test
    void tracing03PrintsALinePerEchoRequest() throws Exception {
        try (TestEnv env = TestEnv.setupAs("tb", "--legacy-ip")) {
            Sh.Result load = env.tIn(Objects.path("tutorial/tracing03-xdp-debug-print"), "load", "--", "-F", "--progsec", "xdp");
            assertThat(load.exit()).as(load.all()).isZero();
            String from = "xdp echo request from " + env.peerAddress(true) + " id ";
            // The trace pipe has one reader at a time: another test may hold it for a while.
            String out = "";
            for (int attempt = 0; attempt < 4; attempt++) {
                Background tracelog = Background.start(tmp, "tracelog" + attempt, JBPF, "prog", "tracelog", "--duration", "8s");
                Thread.sleep(3000); // the reader's JVM opens the pipe
                assertThat(env.ping(3, true)).isEqualTo(3);
                Sh.Result r = tracelog.await();
                out = r.out();
                if (r.exit() == 0) {
                    break;
                }
                assertThat(r.err()).as(r.all()).contains("another process is reading the trace pipe");
                Thread.sleep(2000);
            }
            for (int seq = 1; seq <= 3; seq++) {
                assertThat(out).containsPattern(Pattern.quote(from) + "\\d+ seq " + seq + "\\b");
            }
            assertThat(out.lines().filter(l -> l.contains(from)).count()).as(out).isEqualTo(3);
        }
    }

    /** tracing04: the sampled packets, written as pcapng by xdp_sample_pkts.java, read back by tcpdump -r. */
    @Test
    void tracing04SamplesPacketsIntoAPcapThatTcpdumpReads() throws Exception {
        try (TestEnv env = TestEnv.setupAs("tb", "--legacy-ip")) {
            Path pcap = tmp.resolve("x.pcap");
            Background sampler = Background.start(tmp, "sampler", TestEnv.script(), "exec-xdp", "-n", env.name, "--", "java", "-cp",
                    Kernel.root().resolve("loader/target/jbpf.jar").toString(),
                    Kernel.root().resolve("bpf-src/tutorial/tracing04-xdp-tcpdump/xdp_sample_pkts.java").toString(),
                    "--dev", env.name, "-w", pcap.toString(), "--duration", "60",
                    "--obj", Objects.str("tutorial/tracing04-xdp-tcpdump/xdp_sample_pkts_kern.o"));
            sampler.awaitErr("sampling packets on " + env.name, 60);
            assertThat(env.ipLink()).contains("prog/xdp");
            assertThat(env.ping(4, true)).isEqualTo(4);
            assertThat(env.ping(2, false)).isEqualTo(2);
            Sh.Result done = sampler.stop();
            assertThat(done.exit()).as(done.all()).isZero();
            Matcher written = Pattern.compile("(\\d+) packets written").matcher(done.err());
            assertThat(written.find()).as(done.all()).isTrue();
            assertThat(env.ipLink()).as("the bpf_link went with the sampler").doesNotContain("prog/xdp");

            Sh.Result read = Sh.run("tcpdump", "-nn", "-r", pcap.toString());
            assertThat(read.exit()).as(read.all()).isZero();
            assertThat(read.out().lines().count()).as("every sample is a packet in the file").isEqualTo(Long.parseLong(written.group(1)));
            assertThat(read.out().lines().filter(l -> l.contains("ICMP echo request")).count()).as(read.out()).isEqualTo(4);
            assertThat(read.out().lines().filter(l -> l.contains("ICMP6, echo request")).count()).as(read.out()).isEqualTo(2);
            assertThat(read.out()).contains(env.peerAddress(true) + " > " + env.info("IP4_XDP") + ": ICMP echo request");
        }
    }

    private static long progId(Sh.Result load, String name) {
        Matcher m = PROG_ID.matcher(load.out());
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return Long.parseLong(m.group(2));
            }
        }
        throw new AssertionError("no prog id of " + name + " in: " + load.all());
    }

    private static void mapUpdate(TestEnv env, String pin, String... entry) {
        List<String> cmd = new ArrayList<>(List.of("--", JBPF, "map", "update", "pinned", pin));
        cmd.addAll(List.of(entry));
        Sh.Result r = env.t("exec-xdp", cmd.toArray(String[]::new));
        assertThat(r.exit()).as(r.all()).isZero();
    }

    /** The redirect_counts value for one program, device pair and error (0 if none). */
    private static long redirects(String json, long prog, int from, int to, int err) {
        Matcher m = Pattern.compile("\\{\"key\":\\{\"prog_id\":" + prog + ",\"ifindex\":" + from + ",\"to_ifindex\":" + to
                + ",\"map_id\":\\d+,\"err\":" + err + "\\},\"value\":(\\d+)\\}").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** A command running while the test acts; its output goes to files. */
    private record Background(Process process, Path out, Path err) {
        static Background start(Path dir, String name, String... cmd) throws IOException {
            Path out = dir.resolve(name + ".out");
            Path err = dir.resolve(name + ".err");
            Process p = new ProcessBuilder(cmd).directory(Kernel.root().toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            return new Background(p, out, err);
        }

        /** Waits up to {@code seconds} for {@code text} on its stderr. */
        void awaitErr(String text, int seconds) throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                if (Files.readString(err).contains(text)) {
                    return;
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(100);
            }
            Sh.Result r = stop();
            throw new AssertionError("no '" + text + "' from " + process.info().commandLine().orElse("?") + ": " + r.all());
        }

        /** Waits for it to end by itself (at most 60 s). */
        Sh.Result await() throws Exception {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            return new Sh.Result(process.exitValue(), Files.readString(out), Files.readString(err));
        }

        /** SIGTERM (as Ctrl-C would), then waits for it to end. */
        Sh.Result stop() throws Exception {
            process.destroy();
            return await();
        }
    }
}
