package io.jbpf.link;

import java.util.List;
import java.util.Objects;

/**
 * How the probes of a {@link KprobeMultiLink} are placed: on entry or return, and the cookie of
 * each.
 *
 * @param kind    where in the functions they fire ({@link ProbeKind#RETURN} makes kretprobes)
 * @param cookies what bpf_get_attach_cookie() returns in the program at each function, in the
 *                order the functions (or addresses) are given; empty: 0 everywhere
 */
public record KprobeMultiOptions(ProbeKind kind, List<Long> cookies) {
    /** Kprobes on entry, no cookies. */
    public static final KprobeMultiOptions ENTRY = new KprobeMultiOptions(ProbeKind.ENTRY, List.of());
    /** Kretprobes, no cookies. */
    public static final KprobeMultiOptions RETURN = new KprobeMultiOptions(ProbeKind.RETURN, List.of());

    /** Checks that {@code kind} is given. */
    public KprobeMultiOptions {
        Objects.requireNonNull(kind, "kind");
        cookies = List.copyOf(cookies);
    }

    /** The same probes with {@code cookies}, one per function in the order given. */
    public KprobeMultiOptions withCookies(long... cookies) {
        return new KprobeMultiOptions(kind, java.util.Arrays.stream(cookies).boxed().toList());
    }
}
