package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.ProgType;
import org.junit.jupiter.api.Test;

/** The pure parts of AttachTarget: which programs need a trampoline, and reading the lockdown file. */
class AttachTargetTest {
    @Test
    void trampolineProgramsAreFentryFexitFmodRetLsmAndFreplace() {
        assertThat(AttachTarget.needsTrampoline(ProgType.TRACING, AttachType.TRACE_FENTRY)).isTrue();
        assertThat(AttachTarget.needsTrampoline(ProgType.TRACING, AttachType.TRACE_FEXIT)).isTrue();
        assertThat(AttachTarget.needsTrampoline(ProgType.TRACING, AttachType.MODIFY_RETURN)).isTrue();
        assertThat(AttachTarget.needsTrampoline(ProgType.LSM, AttachType.LSM_MAC)).isTrue();
        assertThat(AttachTarget.needsTrampoline(ProgType.EXT, null)).isTrue();
        // tp_btf is a TRACING program too, but runs from the tracepoint without a trampoline.
        assertThat(AttachTarget.needsTrampoline(ProgType.TRACING, AttachType.TRACE_RAW_TP)).isFalse();
        assertThat(AttachTarget.needsTrampoline(ProgType.KPROBE, null)).isFalse();
    }

    @Test
    void theLockdownFileMarksTheModeInBrackets() {
        assertThat(AttachTarget.lockdownMode("none [integrity] confidentiality\n")).isEqualTo("integrity");
        assertThat(AttachTarget.lockdownMode("[none] integrity confidentiality\n")).isEqualTo("none");
        assertThat(AttachTarget.lockdownMode("garbage")).isNull();
    }
}
