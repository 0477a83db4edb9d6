package io.jbpf.link;

import io.jbpf.common.BpfException;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a uprobe is placed: on entry or return, and for every process that runs the file or one.
 *
 * @param kind where in the function it fires ({@link ProbeKind#RETURN} makes a uretprobe)
 * @param pid  the one process whose calls it sees; empty: every process that maps the file, now
 *             and later
 */
public record UprobeOptions(ProbeKind kind, OptionalInt pid) {
    /** A uprobe on entry, for every process. */
    public static final UprobeOptions ENTRY = new UprobeOptions(ProbeKind.ENTRY, OptionalInt.empty());
    /** A uretprobe, for every process. */
    public static final UprobeOptions RETURN = new UprobeOptions(ProbeKind.RETURN, OptionalInt.empty());

    /** Checks that {@code kind} is given and {@code pid}, if any, is a process id. */
    public UprobeOptions {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(pid, "pid");
        if (pid.isPresent() && pid.getAsInt() <= 0) {
            throw new BpfException("uprobe pid " + pid.getAsInt() + " is no process id; leave it empty for every process");
        }
    }

    /** The same probe, seeing only process {@code pid}. */
    public UprobeOptions forPid(int pid) {
        return new UprobeOptions(kind, OptionalInt.of(pid));
    }
}
