package io.jbpf.uapi;

/**
 * {@code enum perf_sw_ids} from {@code linux/perf_event.h}, in kernel order: the software events
 * a perf_event program can sample ({@code PERF_TYPE_SOFTWARE} with this as {@code config}).
 */
public enum PerfSoftwareEvent {
    CPU_CLOCK(0),
    TASK_CLOCK(1),
    PAGE_FAULTS(2),
    CONTEXT_SWITCHES(3),
    CPU_MIGRATIONS(4),
    PAGE_FAULTS_MIN(5),
    PAGE_FAULTS_MAJ(6),
    ALIGNMENT_FAULTS(7),
    EMULATION_FAULTS(8),
    DUMMY(9),
    BPF_OUTPUT(10),
    CGROUP_SWITCHES(11);

    /** The kernel's numeric value. */
    public final int value;

    PerfSoftwareEvent(int value) {
        this.value = value;
    }

    /** The name {@code linux/perf_event.h} gives it: {@code PERF_COUNT_SW_CPU_CLOCK}. */
    public String kernelName() {
        return "PERF_COUNT_SW_" + name();
    }
}
