package io.jbpf.perf;

import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.PerfEventOpen;

/** The BPF output event of one CPU's perf buffer: opening it (through {@link PerfEventOpen}) and the ioctls for it. */
final class BpfOutputEvent {
    private BpfOutputEvent() {
    }

    /**
     * Opens a disabled PERF_COUNT_SW_BPF_OUTPUT event on {@code cpu} for every process (pid -1),
     * sampling raw records; returns its fd.
     */
    static int openBpfOutput(int cpu, PerfBufferOptions options, String what) {
        boolean watermark = options.wakeupBytes() > 0;
        int fd = PerfEventOpen.open(new PerfEventOpen.Attr(PerfEventOpen.PERF_TYPE_SOFTWARE,
                PerfEventOpen.PERF_COUNT_SW_BPF_OUTPUT, null, 0, 1, PerfEventOpen.PERF_SAMPLE_RAW,
                PerfEventOpen.FLAG_DISABLED | (watermark ? PerfEventOpen.FLAG_WATERMARK : 0),
                watermark ? options.wakeupBytes() : options.wakeupEvents()), -1, cpu);
        if (fd < 0) {
            throw new BpfException("perf_event_open of a BPF output event on CPU " + cpu + " for " + what, -fd);
        }
        return fd;
    }

    /** PERF_EVENT_IOC_ENABLE or _DISABLE on {@code fd}; throws naming {@code what}. */
    static void ioctl(int fd, long request, String what) {
        if (LibC.ioctl(fd, request, 0) != 0) {
            throw new BpfException((request == PerfEventOpen.PERF_EVENT_IOC_ENABLE ? "PERF_EVENT_IOC_ENABLE"
                    : "PERF_EVENT_IOC_DISABLE") + " of " + what, Native.errno());
        }
    }
}
