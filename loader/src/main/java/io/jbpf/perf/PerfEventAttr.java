package io.jbpf.perf;

import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Arch;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import java.lang.ref.Reference;

/**
 * The {@code struct perf_event_attr} (linux/perf_event.h) of a BPF output event, the fields a
 * perf buffer sets, and perf_event_open(2) and the ioctls for it.
 */
final class PerfEventAttr {
    /** PERF_ATTR_SIZE_VER7 (Linux 6.1's struct); newer kernels take it and zero the rest. */
    static final int SIZE_VER7 = 128;
    static final int TYPE = 0;
    static final int SIZE = 4;
    static final int CONFIG = 8;
    static final int SAMPLE_PERIOD = 16;
    static final int SAMPLE_TYPE = 24;
    /** The bit field: disabled (bit 0) ... watermark (bit 14). */
    static final int FLAGS = 40;
    /** wakeup_events, or wakeup_watermark with FLAG_WATERMARK. */
    static final int WAKEUP = 48;

    static final int PERF_TYPE_SOFTWARE = 1;
    static final long PERF_COUNT_SW_BPF_OUTPUT = 10;
    static final long PERF_SAMPLE_RAW = 1L << 10;
    static final long FLAG_DISABLED = 1;
    static final long FLAG_WATERMARK = 1L << 14;
    static final long PERF_FLAG_FD_CLOEXEC = 8;
    /** _IO('$', 0) and _IO('$', 1). */
    static final long PERF_EVENT_IOC_ENABLE = 0x2400;
    static final long PERF_EVENT_IOC_DISABLE = 0x2401;

    private PerfEventAttr() {
    }

    /**
     * Opens a disabled PERF_COUNT_SW_BPF_OUTPUT event on {@code cpu} for every process (pid -1),
     * sampling raw records; returns its fd.
     */
    static int openBpfOutput(int cpu, PerfBufferOptions options, String what) {
        NativeMemory attr = Native.allocate(SIZE_VER7);
        attr.putInt(TYPE, PERF_TYPE_SOFTWARE);
        attr.putInt(SIZE, SIZE_VER7);
        attr.putLong(CONFIG, PERF_COUNT_SW_BPF_OUTPUT);
        attr.putLong(SAMPLE_PERIOD, 1);
        attr.putLong(SAMPLE_TYPE, PERF_SAMPLE_RAW);
        attr.putLong(FLAGS, FLAG_DISABLED | (options.wakeupBytes() > 0 ? FLAG_WATERMARK : 0));
        attr.putInt(WAKEUP, options.wakeupBytes() > 0 ? options.wakeupBytes() : options.wakeupEvents());
        long fd = LibC.syscall(Arch.current().sysPerfEventOpen, attr.address(), -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
        int errno = fd < 0 ? Native.errno() : 0;
        Reference.reachabilityFence(attr);
        if (fd < 0) {
            throw new BpfException("perf_event_open of a BPF output event on CPU " + cpu + " for " + what, errno);
        }
        return (int) fd;
    }

    /** PERF_EVENT_IOC_ENABLE or _DISABLE on {@code fd}; throws naming {@code what}. */
    static void ioctl(int fd, long request, String what) {
        if (LibC.ioctl(fd, request, 0) != 0) {
            throw new BpfException((request == PERF_EVENT_IOC_ENABLE ? "PERF_EVENT_IOC_ENABLE" : "PERF_EVENT_IOC_DISABLE")
                    + " of " + what, Native.errno());
        }
    }
}
