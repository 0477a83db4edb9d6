package io.jbpf.spec;

import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.ProgFlag;
import io.jbpf.uapi.ProgType;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a program section name means, by libbpf's conventions.
 *
 * @param type           program type
 * @param expectedAttach {@code expected_attach_type} for BPF_PROG_LOAD, or null
 * @param progFlags      load flags implied by the name (e.g. {@link ProgFlag#XDP_HAS_FRAGS} for
 *                       {@code xdp.frags}); kept as an unmodifiable copy
 * @param legacy         the name matched only by the old "starts with xdp" rule
 */
public record SectionDef(ProgType type, AttachType expectedAttach, Set<ProgFlag> progFlags, boolean legacy) {
    /** Checks the type and copies the flags (null for none). */
    public SectionDef {
        Objects.requireNonNull(type, "type");
        progFlags = progFlags == null || progFlags.isEmpty() ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(progFlags));
    }
}
