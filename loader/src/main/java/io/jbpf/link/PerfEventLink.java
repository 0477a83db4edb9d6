package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.PossibleCpus;
import io.jbpf.uapi.PerfSoftwareEvent;
import io.jbpf.uapi.ProgType;
import java.util.ArrayList;
import java.util.List;

/**
 * A perf_event program sampling a software perf event (cpu-clock, page faults ...): one event
 * opened with perf_event_open(2) on a CPU and/or for a process, and a BPF link from the program to
 * it. The program runs at every sample. Closing this detaches it unless the link is pinned; the
 * kernel cannot swap the program ({@link #update} is refused). Thread-safe.
 *
 * <pre>{@code
 * List<PerfEventLink> links = PerfEventLink.attachEachCpu(prog, PerfSoftwareEvent.CPU_CLOCK, PerfSampling.frequency(99));
 * }</pre>
 */
public final class PerfEventLink extends KernelLink {
    private final PerfEventOptions options;
    private final PerfLink perf;

    private PerfEventLink(PerfEventOptions options, PerfLink link) {
        super(link);
        this.options = options;
        this.perf = link;
    }

    /** Attaches {@code prog} (a BPF_PROG_TYPE_PERF_EVENT program) to the event {@code options} describe. */
    public static PerfEventLink attach(BpfProgram prog, PerfEventOptions options) {
        String what = options.event().kernelName() + options.cpu().stream().mapToObj(c -> " on cpu " + c).findFirst().orElse("")
                + options.pid().stream().mapToObj(p -> " for process " + p).findFirst().orElse("");
        if (prog.type() != ProgType.PERF_EVENT) {
            throw new BpfException("program " + prog.name() + " is " + prog.type().kernelName() + ", not a "
                    + ProgType.PERF_EVENT.kernelName() + " program; it cannot sample " + what);
        }
        PerfSampling s = options.sampling();
        int perfFd = PerfEvent.open(new PerfEvent.Attr(PerfEvent.PERF_TYPE_SOFTWARE, options.event().value, null, 0,
                        s.value(), s.mode() == PerfSampling.Mode.FREQUENCY ? PerfEvent.FLAG_FREQ : 0),
                options.pid().orElse(-1), options.cpu().orElse(-1), "perf event " + what);
        int linkFd = PerfEvent.link(prog, perfFd, options.cookie(), "perf event " + what);
        return new PerfEventLink(options, new PerfLink(linkFd, perfFd, "perf event link " + what));
    }

    /**
     * Attaches {@code prog} to {@code event} on every online CPU, for every process: one link per
     * CPU, as profilers do. If one fails, those already made are closed.
     */
    public static List<PerfEventLink> attachEachCpu(BpfProgram prog, PerfSoftwareEvent event, PerfSampling sampling) {
        List<PerfEventLink> links = new ArrayList<>();
        try {
            for (int cpu : PossibleCpus.online()) {
                links.add(attach(prog, PerfEventOptions.onCpu(event, sampling, cpu)));
            }
            return List.copyOf(links);
        } catch (RuntimeException e) {
            links.forEach(PerfEventLink::close);
            throw e;
        }
    }

    /** The event, sampling, CPU and process this link samples. */
    public PerfEventOptions options() {
        return options;
    }

    /**
     * Refused by the kernel, which cannot swap the program of a perf-event link: attach the new
     * program with {@link #attach}, then close this link.
     */
    @Override
    public void update(BpfProgram program) {
        perf.update(program, "PerfEventLink.attach");
    }

    @Override
    public String toString() {
        return "PerfEventLink[" + options.event().kernelName() + options.cpu().stream().mapToObj(c -> ", cpu " + c)
                .findFirst().orElse("") + options.pid().stream().mapToObj(p -> ", pid " + p).findFirst().orElse("") + "]";
    }
}
