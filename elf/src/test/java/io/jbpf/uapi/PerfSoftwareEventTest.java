package io.jbpf.uapi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** perf_sw_ids values from linux/perf_event.h: each constant at its own value, names as the header's. */
class PerfSoftwareEventTest {
    @Test
    void valuesAndNamesFollowThePerfHeader() {
        for (PerfSoftwareEvent e : PerfSoftwareEvent.values()) {
            assertThat(e.value).as(e.name()).isEqualTo(e.ordinal());
        }
        assertThat(PerfSoftwareEvent.CPU_CLOCK.value).isZero();
        assertThat(PerfSoftwareEvent.TASK_CLOCK.value).isEqualTo(1);
        assertThat(PerfSoftwareEvent.BPF_OUTPUT.value).isEqualTo(10);
        assertThat(PerfSoftwareEvent.CGROUP_SWITCHES.value).isEqualTo(11);
        assertThat(PerfSoftwareEvent.CPU_CLOCK.kernelName()).isEqualTo("PERF_COUNT_SW_CPU_CLOCK");
    }
}
