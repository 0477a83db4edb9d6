package io.jbpf.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.uapi.AttachType;
import org.junit.jupiter.api.Test;

/** The typed options of the tc hooks: what they map to in the kernel, and the mistakes refused before any call. */
class TcOptionsTest {
    @Test
    void directionsMapToTcxAttachTypesAndClsactParents() {
        assertThat(TcDirection.INGRESS.tcxAttachType()).isEqualTo(AttachType.TCX_INGRESS);
        assertThat(TcDirection.EGRESS.tcxAttachType()).isEqualTo(AttachType.TCX_EGRESS);
        assertThat(TcDirection.INGRESS.clsactParent()).isEqualTo(0xFFFFFFF2);
        assertThat(TcDirection.EGRESS.clsactParent()).isEqualTo(0xFFFFFFF3);
        assertThat(TcDirection.parse("Ingress")).isEqualTo(TcDirection.INGRESS);
        assertThat(TcDirection.parse("egress")).hasToString("egress");
        assertThatThrownBy(() -> TcDirection.parse("both")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ingress or egress");
    }

    @Test
    void replaceNeedsPriorityAndHandle() {
        ClsBpfOptions at = ClsBpfOptions.DEFAULTS.withPriority(10).withHandle(1);
        assertThat(at.withIfAttached(IfAttached.REPLACE).ifAttached()).isEqualTo(IfAttached.REPLACE);
        assertThatThrownBy(() -> ClsBpfOptions.DEFAULTS.withPriority(10).withIfAttached(IfAttached.REPLACE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a priority and a handle");
        assertThatThrownBy(() -> ClsBpfOptions.DEFAULTS.withPriority(65536))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..65535");
        assertThatThrownBy(() -> ClsBpfOptions.DEFAULTS.withPriority(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClsBpfOptions.DEFAULTS.withIfAttached(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ClsBpfOptions.DEFAULTS).isEqualTo(new ClsBpfOptions(0, 0, null, IfAttached.FAIL));
    }

    @Test
    void positionsCarryTheKernelFlags() {
        assertThat(TcxPosition.LAST.flags()).isZero();
        assertThat(TcxPosition.FIRST.flags()).isEqualTo(8); // BPF_F_BEFORE, no relative: the head of the list
        assertThat(TcxPosition.FIRST.hasRelative()).isFalse();
        assertThat(TcxPosition.FIRST.relativeFd()).isZero();
    }
}
