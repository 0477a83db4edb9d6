package io.jbpf.link;

import io.jbpf.common.BpfException;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How the probes of a {@link UprobeMultiLink} are placed: on entry or return, for every process
 * or one, and the cookie of each.
 *
 * @param kind    where in the functions they fire ({@link ProbeKind#RETURN} makes uretprobes)
 * @param pid     the one process whose calls they see; empty: every process that maps the file
 * @param cookies what bpf_get_attach_cookie() returns in the program at each place, in the order
 *                of the targets (so one program knows which function fired); empty: 0 everywhere
 */
public record UprobeMultiOptions(ProbeKind kind, OptionalInt pid, List<Long> cookies) {
    /** Uprobes on entry, for every process, no cookies. */
    public static final UprobeMultiOptions ENTRY = new UprobeMultiOptions(ProbeKind.ENTRY, OptionalInt.empty(), List.of());
    /** Uretprobes, for every process, no cookies. */
    public static final UprobeMultiOptions RETURN = new UprobeMultiOptions(ProbeKind.RETURN, OptionalInt.empty(), List.of());

    /** Checks that {@code kind} is given and {@code pid}, if any, is a process id. */
    public UprobeMultiOptions {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(pid, "pid");
        cookies = List.copyOf(cookies);
        if (pid.isPresent() && pid.getAsInt() <= 0) {
            throw new BpfException("uprobe pid " + pid.getAsInt() + " is no process id; leave it empty for every process");
        }
    }

    /** The same probes, seeing only process {@code pid}. */
    public UprobeMultiOptions forPid(int pid) {
        return new UprobeMultiOptions(kind, OptionalInt.of(pid), cookies);
    }

    /** The same probes with {@code cookies}, one per target in the targets' order. */
    public UprobeMultiOptions withCookies(long... cookies) {
        return new UprobeMultiOptions(kind, pid, java.util.Arrays.stream(cookies).boxed().toList());
    }
}
