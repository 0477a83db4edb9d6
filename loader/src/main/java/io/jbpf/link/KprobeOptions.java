package io.jbpf.link;

import java.util.Objects;

/**
 * How a kprobe is placed: on entry or return, and the cookie its program reads.
 *
 * @param kind   where in the function it fires ({@link ProbeKind#RETURN} makes a kretprobe)
 * @param cookie what bpf_get_attach_cookie() returns in the program for this probe (Linux 5.15+),
 *               so one program attached to several functions knows which one fired; 0 by default
 */
public record KprobeOptions(ProbeKind kind, long cookie) {
    /** A kprobe on entry. */
    public static final KprobeOptions ENTRY = new KprobeOptions(ProbeKind.ENTRY, 0);
    /** A kretprobe. */
    public static final KprobeOptions RETURN = new KprobeOptions(ProbeKind.RETURN, 0);

    /** Checks that {@code kind} is given. */
    public KprobeOptions {
        Objects.requireNonNull(kind, "kind");
    }

    /** The same probe, its program reading {@code cookie} with bpf_get_attach_cookie(). */
    public KprobeOptions withCookie(long cookie) {
        return new KprobeOptions(kind, cookie);
    }
}
