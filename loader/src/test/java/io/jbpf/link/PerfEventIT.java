package io.jbpf.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.BpfObject;
import io.jbpf.common.BpfException;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.uapi.LinkType;
import io.jbpf.uapi.PerfSoftwareEvent;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** hooks/trace_perf.o samples cpu-clock while attached (a busy loop makes samples) and stops once closed. */
@Tag("vm")
class PerfEventIT {
    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static long busy(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        long x = 0;
        while (System.nanoTime() < end) {
            x += x * 31 + 7;
        }
        return x;
    }

    @Test
    void samplesCpuClockOnEveryCpuWhileAttached() {
        int before = Fds.count();
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/trace_perf.o"))) {
            List<PerfEventLink> links = PerfEventLink.attachEachCpu(obj.program("jtr_perf"), PerfSoftwareEvent.CPU_CLOCK,
                    PerfSampling.period(1_000_000));
            try {
                assertThat(links).hasSize(io.jbpf.internal.sys.PossibleCpus.online().length);
                assertThat(links.get(0).info().type()).isEqualTo(LinkType.PERF_EVENT);
                busy(300);
                assertThat(obj.variable("samples").getLong()).isPositive();
            } finally {
                links.forEach(PerfEventLink::close);
            }
            long after = obj.variable("samples").getLong();
            busy(100);
            assertThat(obj.variable("samples").getLong()).as("no samples once closed").isEqualTo(after);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    /**
     * task-clock for the test's thread alone, at a frequency: a perf event follows one task, so
     * the JVM's pid would watch only its main thread, which sleeps.
     */
    @Test
    void samplesOneThreadAtAFrequency() {
        int pid = (int) io.jbpf.internal.sys.LibC.syscall(186 /* __NR_gettid, x86_64 */, 0, 0, 0);
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/trace_perf.o"));
             PerfEventLink link = PerfEventLink.attach(obj.program("jtr_perf"),
                     PerfEventOptions.forProcess(PerfSoftwareEvent.TASK_CLOCK, PerfSampling.frequency(1000), pid))) {
            assertThat(link.options().pid()).isEqualTo(OptionalInt.of(pid));
            busy(300);
            assertThat(obj.variable("samples").getLong()).isPositive();
            assertThatThrownBy(() -> link.update(obj.program("jtr_perf"))).isInstanceOf(BpfException.class)
                    .hasMessageContaining("PerfEventLink.attach");
        }
    }

    @Test
    void optionsAreCheckedAndOtherProgramTypesRefused() {
        assertThatThrownBy(() -> new PerfEventOptions(PerfSoftwareEvent.CPU_CLOCK, PerfSampling.period(1),
                OptionalInt.empty(), OptionalInt.empty())).isInstanceOf(BpfException.class).hasMessageContaining("attachEachCpu");
        assertThatThrownBy(() -> PerfSampling.frequency(0)).isInstanceOf(BpfException.class).hasMessageContaining("not positive");
        try (BpfObject obj = BpfObject.load(Objects.path("xdp_pass.o"))) {
            assertThatThrownBy(() -> PerfEventLink.attach(obj.program("xdp_pass_func"),
                    PerfEventOptions.onCpu(PerfSoftwareEvent.CPU_CLOCK, PerfSampling.period(1_000_000), 0)))
                    .isInstanceOf(BpfException.class).hasMessageContaining("not a BPF_PROG_TYPE_PERF_EVENT program");
        }
    }
}
