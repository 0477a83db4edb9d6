package io.jbpf.link;

import io.jbpf.common.BpfException;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a uprobe is placed: on entry or return, for every process that runs the file or one, and
 * the cookie its program reads.
 *
 * @param kind   where in the function it fires ({@link ProbeKind#RETURN} makes a uretprobe)
 * @param pid    the one process whose calls it sees; empty: every process that maps the file, now
 *               and later
 * @param cookie what bpf_get_attach_cookie() returns in the program for this probe (Linux 5.15+),
 *               so one program attached at several places knows which one fired; 0 by default
 */
public record UprobeOptions(ProbeKind kind, OptionalInt pid, long cookie) {
    /** A uprobe on entry, for every process. */
    public static final UprobeOptions ENTRY = new UprobeOptions(ProbeKind.ENTRY, OptionalInt.empty(), 0);
    /** A uretprobe, for every process. */
    public static final UprobeOptions RETURN = new UprobeOptions(ProbeKind.RETURN, OptionalInt.empty(), 0);

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
        return new UprobeOptions(kind, OptionalInt.of(pid), cookie);
    }

    /** The same probe, its program reading {@code cookie} with bpf_get_attach_cookie(). */
    public UprobeOptions withCookie(long cookie) {
        return new UprobeOptions(kind, pid, cookie);
    }
}
