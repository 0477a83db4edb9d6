package io.jbpf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.CliRun;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TcNet;
import java.io.IOException;
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
}
