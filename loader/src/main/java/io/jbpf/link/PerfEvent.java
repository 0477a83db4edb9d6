package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Arch;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The perf-event path that software events, uprobes and kprobes share: perf_event_open(2) with a
 * {@code struct perf_event_attr} (linux/perf_event.h; offsets below), then a BPF link from the
 * program to the event (BPF_LINK_CREATE, attach type BPF_PERF_EVENT, Linux 5.15+). The link keeps
 * the event alive, so a pinned link outlives the event's fd.
 */
final class PerfEvent {
    private static final long SYS_PERF_EVENT_OPEN = Arch.current().sysPerfEventOpen;
    /** PERF_ATTR_SIZE_VER7 (Linux 6.1's struct); newer kernels take it and zero the rest. */
    static final int ATTR_SIZE = 128;
    static final int TYPE = 0;
    static final int SIZE = 4;
    static final int CONFIG = 8;
    /** {@code sample_period}, or {@code sample_freq} with {@link #FLAG_FREQ}. */
    static final int SAMPLE_PERIOD = 16;
    /** The bit field after {@code read_format}: disabled, inherit, ... freq (bit 10). */
    static final int FLAGS = 40;
    static final long FLAG_FREQ = 1L << 10;
    static final int WAKEUP_EVENTS = 48;
    /** {@code config1}: kprobe_func / uprobe_path, a pointer to a C string. */
    static final int CONFIG1 = 56;
    /** {@code config2}: probe_offset. */
    static final int CONFIG2 = 64;

    static final int PERF_TYPE_SOFTWARE = 1;
    static final int PERF_TYPE_TRACEPOINT = 2;
    static final long PERF_FLAG_FD_CLOEXEC = 8;
    /** Where dynamic PMUs (uprobe, kprobe) publish their type number and config format. */
    static final Path PMU_DIR = Path.of("/sys/bus/event_source/devices");

    private PerfEvent() {
    }

    /**
     * The parameters of one perf_event_open call.
     *
     * @param path a C string that {@code config1} points at (uprobe binary, kprobe function), or null
     */
    record Attr(int type, long config, String path, long config2, long sample, long flags) {
    }

    /**
     * Opens the event; {@code pid} -1 with a {@code cpu} watches everything on that CPU, a pid with
     * cpu -1 that process wherever it runs. Returns the fd; {@code what} names it in the error.
     */
    static int open(Attr a, int pid, int cpu, String what) {
        NativeMemory attr = Native.allocate(ATTR_SIZE);
        NativeMemory path = a.path() == null ? null : Native.cString(a.path());
        attr.putInt(TYPE, a.type());
        attr.putInt(SIZE, ATTR_SIZE);
        attr.putLong(CONFIG, a.config());
        attr.putLong(SAMPLE_PERIOD, a.sample());
        attr.putLong(FLAGS, a.flags());
        attr.putInt(WAKEUP_EVENTS, 1);
        attr.putLong(CONFIG1, path == null ? 0 : path.address());
        attr.putLong(CONFIG2, a.config2());
        long fd = LibC.syscall(SYS_PERF_EVENT_OPEN, attr.address(), pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
        int errno = fd < 0 ? Native.errno() : 0;
        Reference.reachabilityFence(attr);
        Reference.reachabilityFence(path);
        if (fd < 0) {
            throw new BpfException("perf_event_open for " + what, errno);
        }
        return (int) fd;
    }

    /**
     * Links {@code prog} to the perf event {@code perfFd} with {@code cookie} for
     * bpf_get_attach_cookie() (0: none); closes the event and throws on failure.
     */
    static int link(BpfProgram prog, int perfFd, long cookie, String what) {
        int link = BpfSyscall.linkCreatePerfEvent(prog.fd(), perfFd, cookie);
        if (link < 0) {
            Native.closeQuietly(perfFd);
            throw new BpfException("attach program " + prog.name() + " (" + prog.type().kernelName() + ") to " + what, -link);
        }
        return link;
    }

    /** The type number of dynamic PMU {@code pmu} ("uprobe", "kprobe"), or -1 when the kernel has none. */
    static int pmuType(String pmu) {
        Path type = PMU_DIR.resolve(pmu).resolve("type");
        if (!Files.isReadable(type)) {
            return -1;
        }
        try {
            return Integer.parseInt(Files.readString(type).strip());
        } catch (IOException | NumberFormatException e) {
            throw new BpfException("cannot read " + type + ": " + e.getMessage());
        }
    }

    /**
     * The config bit that makes a probe of PMU {@code pmu} a return probe, from its
     * {@code format/retprobe} file ("config:0"); bit 0 when the file is absent (all kernels so far).
     */
    static long retprobeBit(String pmu) {
        Path format = PMU_DIR.resolve(pmu).resolve("format/retprobe");
        try {
            String s = Files.isReadable(format) ? Files.readString(format).strip() : "config:0";
            return 1L << Integer.parseInt(s.substring(s.indexOf(':') + 1));
        } catch (IOException | NumberFormatException e) {
            throw new BpfException("cannot read " + format + ": " + e.getMessage());
        }
    }
}
