package io.jbpf.internal.sys;

import java.lang.ref.Reference;

/**
 * perf_event_open(2) and its {@code struct perf_event_attr} (linux/perf_event.h; the offsets of
 * the fields jbpf sets), for everything that opens a perf event: the perf-event hooks
 * (software events, tracepoints, kprobes, uprobes) and the perf buffer reader (BPF output events).
 */
public final class PerfEventOpen {
    /** PERF_ATTR_SIZE_VER7 (Linux 6.1's struct); newer kernels take it and zero the rest. */
    public static final int ATTR_SIZE = 128;
    private static final int TYPE = 0;
    private static final int SIZE = 4;
    private static final int CONFIG = 8;
    /** {@code sample_period}, or {@code sample_freq} with {@link #FLAG_FREQ}. */
    private static final int SAMPLE_PERIOD = 16;
    private static final int SAMPLE_TYPE = 24;
    /** The bit field after {@code read_format}: disabled (bit 0) ... freq (bit 10) ... watermark (bit 14). */
    private static final int FLAGS = 40;
    /** {@code wakeup_events}, or {@code wakeup_watermark} with {@link #FLAG_WATERMARK}. */
    private static final int WAKEUP = 48;
    /** {@code config1}: kprobe_func / uprobe_path, a pointer to a C string. */
    private static final int CONFIG1 = 56;
    /** {@code config2}: probe_offset. */
    private static final int CONFIG2 = 64;

    public static final int PERF_TYPE_SOFTWARE = 1;
    public static final int PERF_TYPE_TRACEPOINT = 2;
    public static final long PERF_COUNT_SW_BPF_OUTPUT = 10;
    public static final long PERF_SAMPLE_RAW = 1L << 10;
    public static final long FLAG_DISABLED = 1;
    public static final long FLAG_FREQ = 1L << 10;
    public static final long FLAG_WATERMARK = 1L << 14;
    private static final long PERF_FLAG_FD_CLOEXEC = 8;
    /** _IO('$', 0) and _IO('$', 1). */
    public static final long PERF_EVENT_IOC_ENABLE = 0x2400;
    public static final long PERF_EVENT_IOC_DISABLE = 0x2401;

    private PerfEventOpen() {
    }

    /**
     * The fields of one perf_event_open call.
     *
     * @param path       a C string that {@code config1} points at (uprobe binary, kprobe function), or null
     * @param sample     sample_period (or sample_freq with {@link #FLAG_FREQ})
     * @param sampleType sample_type bits ({@link #PERF_SAMPLE_RAW})
     * @param flags      the bit field ({@link #FLAG_DISABLED}, {@link #FLAG_FREQ}, {@link #FLAG_WATERMARK})
     * @param wakeup     wakeup_events, or the watermark in bytes with {@link #FLAG_WATERMARK}
     */
    public record Attr(int type, long config, String path, long config2, long sample, long sampleType, long flags,
                       int wakeup) {
    }

    /**
     * Opens the event: {@code pid} -1 with a {@code cpu} watches everything on that CPU, a pid with
     * cpu -1 that process wherever it runs. Returns the fd, or -errno.
     */
    public static int open(Attr a, int pid, int cpu) {
        NativeMemory attr = Native.allocate(ATTR_SIZE);
        NativeMemory path = a.path() == null ? null : Native.cString(a.path());
        attr.putInt(TYPE, a.type());
        attr.putInt(SIZE, ATTR_SIZE);
        attr.putLong(CONFIG, a.config());
        attr.putLong(SAMPLE_PERIOD, a.sample());
        attr.putLong(SAMPLE_TYPE, a.sampleType());
        attr.putLong(FLAGS, a.flags());
        attr.putInt(WAKEUP, a.wakeup());
        attr.putLong(CONFIG1, path == null ? 0 : path.address());
        attr.putLong(CONFIG2, a.config2());
        long fd = LibC.syscall(Arch.current().sysPerfEventOpen, attr.address(), pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
        int errno = fd < 0 ? Native.errno() : 0;
        Reference.reachabilityFence(attr);
        Reference.reachabilityFence(path);
        return fd < 0 ? -errno : (int) fd;
    }
}
