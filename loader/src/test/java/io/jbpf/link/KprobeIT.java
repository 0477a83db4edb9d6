package io.jbpf.link;

import static io.jbpf.testing.TraceTarget.le32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.BpfObject;
import io.jbpf.LoadOptions;
import io.jbpf.common.BpfException;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hooks/trace_kprobe.o on do_sys_openat2: where the kernel has kprobes (the kprobe PMU or tracefs
 * kprobe_events, looked at here independently) the probes count this JVM's opens; where it has
 * neither, as on the development machine, attaching says the kernel has no kprobes.
 */
@Tag("vm")
class KprobeIT {
    @TempDir
    Path dir;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static boolean kernelHasKprobes() {
        return Files.exists(Path.of("/sys/bus/event_source/devices/kprobe"))
                || Files.exists(Path.of("/sys/kernel/tracing/kprobe_events"));
    }

    @Test
    void kprobesCountOpensOrTheKernelSaysItHasNone() throws Exception {
        int before = Fds.count();
        int tgid = (int) ProcessHandle.current().pid();
        Path file = Files.writeString(dir.resolve("jtr_open"), "x");
        try (BpfObject obj = BpfObject.load(BpfObjectSpec.read(Objects.path("hooks/trace_kprobe.o"))
                .withVariable("target_tgid", le32(tgid)), LoadOptions.defaults())) {
            if (!kernelHasKprobes()) {
                for (String prog : new String[] {"jtr_kprobe", "jtr_kretprobe"}) {
                    assertThatThrownBy(() -> KprobeLink.attach(obj.program(prog)))
                            .isInstanceOf(BpfException.class)
                            .hasMessageContaining("attach program " + prog)
                            .hasMessageContaining("kernel function do_sys_openat2")
                            .hasMessageContaining("this kernel has no kprobes (CONFIG_KPROBES)");
                }
            } else {
                try (KprobeLink entry = KprobeLink.attach(obj.program("jtr_kprobe"));
                     KprobeLink exit = KprobeLink.attach(obj.program("jtr_kretprobe"))) {
                    assertThat(entry.function()).isEqualTo("do_sys_openat2");
                    assertThat(exit.kind()).isEqualTo(ProbeKind.RETURN);
                    for (int i = 0; i < 50; i++) {
                        Files.readString(file);
                    }
                    // Other JVM threads may open files too: at least the test's 50.
                    assertThat(obj.variable("entries").getLong()).isGreaterThanOrEqualTo(50);
                    assertThat(obj.variable("returns").getLong()).isGreaterThanOrEqualTo(50);
                }
                long after = obj.variable("entries").getLong();
                Files.readString(file);
                assertThat(obj.variable("entries").getLong()).as("detached").isEqualTo(after);
            }
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void aSectionWithoutAFunctionIsRefused() {
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/trace_perf.o"))) {
            assertThatThrownBy(() -> KprobeLink.attach(obj.program("jtr_perf")))
                    .isInstanceOf(BpfException.class).hasMessageContaining("kprobe/<function>");
        }
    }
}
