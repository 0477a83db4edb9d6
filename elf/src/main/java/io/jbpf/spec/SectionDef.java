package io.jbpf.spec;

import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.ProgType;

/**
 * What a program section name means, by libbpf's conventions.
 *
 * @param type           program type
 * @param expectedAttach {@code expected_attach_type} for BPF_PROG_LOAD, or null
 * @param progFlags      BPF_F_* load flags implied by the name (e.g. {@code xdp.frags})
 * @param legacy         the name matched only by the old "starts with xdp" rule
 */
public record SectionDef(ProgType type, AttachType expectedAttach, int progFlags, boolean legacy) {
}
