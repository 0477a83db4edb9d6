package io.jbpf.link;

import io.jbpf.common.BpfException;
import io.jbpf.uapi.PerfSoftwareEvent;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Which software perf event a perf_event program samples, and where: on one CPU (whatever runs
 * there), for one process (wherever it runs), or for one process on one CPU.
 *
 * @param event    the software event ({@link PerfSoftwareEvent#CPU_CLOCK} for profiling)
 * @param sampling how often the program runs
 * @param cpu      the CPU watched; empty: every CPU the process runs on
 * @param pid      the task watched: a process id watches that process's main thread, a thread
 *                 id (gettid) that thread; empty: every task on the CPU
 * @param cookie   what bpf_get_attach_cookie() returns in the program for this event (Linux
 *                 5.15+), so one program on several events knows which one sampled; 0 by default
 */
public record PerfEventOptions(PerfSoftwareEvent event, PerfSampling sampling, OptionalInt cpu, OptionalInt pid,
                               long cookie) {
    /** Checks that a CPU or a process is named: the kernel has no event for every process on every CPU. */
    public PerfEventOptions {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(pid, "pid");
        if (cpu.isEmpty() && pid.isEmpty()) {
            throw new BpfException("perf event " + event.kernelName() + " needs a CPU or a process: one event cannot "
                    + "watch every process on every CPU (PerfEventLink.attachEachCpu opens one per CPU)");
        }
        if (cpu.isPresent() && cpu.getAsInt() < 0 || pid.isPresent() && pid.getAsInt() <= 0) {
            throw new BpfException("perf event " + event.kernelName() + ": cpu " + cpu + " / pid " + pid
                    + " is not a CPU number / process id");
        }
    }

    /** {@code event} on CPU {@code cpu}, for every process there. */
    public static PerfEventOptions onCpu(PerfSoftwareEvent event, PerfSampling sampling, int cpu) {
        return new PerfEventOptions(event, sampling, OptionalInt.of(cpu), OptionalInt.empty(), 0);
    }

    /** {@code event} for task {@code pid} (a process's main thread, or a thread id), on whichever CPU it runs. */
    public static PerfEventOptions forProcess(PerfSoftwareEvent event, PerfSampling sampling, int pid) {
        return new PerfEventOptions(event, sampling, OptionalInt.empty(), OptionalInt.of(pid), 0);
    }

    /** The same event, its program reading {@code cookie} with bpf_get_attach_cookie(). */
    public PerfEventOptions withCookie(long cookie) {
        return new PerfEventOptions(event, sampling, cpu, pid, cookie);
    }
}
