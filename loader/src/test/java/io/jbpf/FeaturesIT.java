package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.Features.Hook;
import io.jbpf.Features.Support;
import io.jbpf.link.TcDirection;
import io.jbpf.link.TcxLink;
import io.jbpf.testing.CliRun;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.NetNs;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code jbpf features}' hook answers, checked against what the kernel shows some other way: its
 * files, its configuration, or the hook itself used for real. Run on both kernels (tag "vm"), where
 * most of the answers differ.
 */
@Tag("vm")
class FeaturesIT {
    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static boolean yes(Hook hook) {
        Support s = Features.hook(hook);
        assertThat(s).as("%s is probed", hook).isNotEqualTo(Support.NOT_PROBED);
        return s == Support.YES;
    }

    @Test
    void hooksAgreeWithTheKernelsOwnFilesAndConfiguration() throws IOException {
        assertThat(yes(Hook.KPROBES)).isEqualTo(Files.exists(Path.of("/sys/bus/event_source/devices/kprobe")));
        assertThat(yes(Hook.UPROBES)).isEqualTo(Files.exists(Path.of("/sys/bus/event_source/devices/uprobe")));
        try (Stream<Path> btf = Files.list(Path.of("/sys/kernel/btf"))) {
            assertThat(yes(Hook.MODULE_BTF)).isEqualTo(btf.count() > 1);
        }
        boolean lockedDown = "y".equals(Kernel.config("CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY"))
                || "y".equals(Kernel.config("CONFIG_LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY"));
        assertThat(yes(Hook.BPF_TRAMPOLINES)).isEqualTo(!lockedDown);
        assertThat(Features.progType(io.jbpf.uapi.ProgType.LSM) == Support.YES)
                .as("LSM programs load where trampolines do and CONFIG_BPF_LSM is set")
                .isEqualTo(!lockedDown && "y".equals(Kernel.config("CONFIG_BPF_LSM")));
        assertThat(yes(Hook.KPROBE_MULTI_LINKS)).as("kprobe_multi needs kprobes and fprobes")
                .isEqualTo(yes(Hook.KPROBES) && "y".equals(Kernel.config("CONFIG_FPROBE")));
        assertThat(yes(Hook.NETFILTER_LINKS)).isEqualTo("y".equals(Kernel.config("CONFIG_NETFILTER_BPF_LINK")));
    }

    /** The TCX answer against a real TCX attach on a throw-away namespace's loopback. */
    @Test
    void tcxAgreesWithATcxAttach() {
        String ns = "jft" + ThreadLocalRandom.current().nextInt(100000);
        assertThat(Sh.run("ip", "netns", "add", ns).exit()).isZero();
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/tc_icmp.o"))) {
            boolean attached;
            try {
                NetNs.call(ns, () -> TcxLink.attach(obj.program("tc_pass_icmp"), "lo", TcDirection.INGRESS)).close();
                attached = true;
            } catch (io.jbpf.common.BpfException e) {
                attached = false;
            }
            assertThat(yes(Hook.TCX_LINKS)).isEqualTo(attached);
        } finally {
            Sh.run("ip", "netns", "del", ns);
        }
    }

    /** The CLI prints the same answers, grouped, and as JSON. */
    @Test
    void theCliPrintsEveryGroup() {
        CliRun human = CliRun.of("features");
        assertThat(human.exit()).as(human.err()).isZero();
        assertThat(human.out()).contains("map types:", "program types:", "hooks:")
                .containsPattern("\\n  tcx links +" + Features.hook(Hook.TCX_LINKS) + "\\n");
        CliRun json = CliRun.of("features", "--json");
        assertThat(json.exit()).isZero();
        assertThat(json.out()).contains("\"hooks\":{\"kprobes\":\"" + Features.hook(Hook.KPROBES) + "\"");
    }
}
