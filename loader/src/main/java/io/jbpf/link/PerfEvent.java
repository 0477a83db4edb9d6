package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.PerfEventOpen;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The perf-event path that software events, uprobes and kprobes share: perf_event_open(2)
 * ({@link PerfEventOpen}), then a BPF link from the
 * program to the event (BPF_LINK_CREATE, attach type BPF_PERF_EVENT, Linux 5.15+). The link keeps
 * the event alive, so a pinned link outlives the event's fd.
 */
final class PerfEvent {
    static final int PERF_TYPE_SOFTWARE = PerfEventOpen.PERF_TYPE_SOFTWARE;
    static final int PERF_TYPE_TRACEPOINT = PerfEventOpen.PERF_TYPE_TRACEPOINT;
    static final long FLAG_FREQ = PerfEventOpen.FLAG_FREQ;
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
        int fd = PerfEventOpen.open(new PerfEventOpen.Attr(a.type(), a.config(), a.path(), a.config2(), a.sample(), 0,
                a.flags(), 1), pid, cpu);
        if (fd < 0) {
            throw new BpfException("perf_event_open for " + what, -fd);
        }
        return fd;
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
