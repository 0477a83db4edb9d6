package io.jbpf.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UprobeTargetTest {
    @Test
    void parsesLibbpfsFunctionOffsetAndFileOffsetForms() {
        assertThat(UprobeTarget.parse("getppid")).isEqualTo(UprobeTarget.function("getppid"));
        assertThat(UprobeTarget.parse("jpr_two+0x4")).isEqualTo(new UprobeTarget(Optional.of("jpr_two"), 4));
        assertThat(UprobeTarget.parse("jpr_two+12")).isEqualTo(UprobeTarget.function("jpr_two", 12));
        assertThat(UprobeTarget.parse("0x1280")).isEqualTo(UprobeTarget.fileOffset(0x1280));
        assertThat(UprobeTarget.function("jpr_two", 4)).hasToString("jpr_two+0x4");
        assertThatThrownBy(() -> UprobeTarget.parse("jpr_two+zz")).isInstanceOf(BpfException.class)
                .hasMessageContaining("<function>+<offset>");
        assertThatThrownBy(() -> UprobeTarget.function("f", -1)).isInstanceOf(BpfException.class)
                .hasMessageContaining("negative");
    }
}
