package io.jbpf;

import io.jbpf.common.BpfException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.spec.ExternSpec;
import io.jbpf.spec.ExternSpec.KconfigType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kernel config parsing and the .kconfig map's bytes, from a config text (no kernel). */
class KconfigTest {
    private static final String CONFIG = """
            #
            # Automatically generated file; DO NOT EDIT.
            #
            CONFIG_HZ=250
            CONFIG_BPF_SYSCALL=y
            CONFIG_NET_CLS_BPF=m
            # CONFIG_KPROBES is not set
            CONFIG_DEFAULT_HOSTNAME="(none)"
            CONFIG_PHYSICAL_START=0x1000000
            CONFIG_NEG=-3
            """;

    private static Map<String, String> config() throws IOException {
        return Kconfig.parse(new ByteArrayInputStream(CONFIG.getBytes(StandardCharsets.UTF_8)));
    }

    private static ExternSpec kc(String name, KconfigType type, int offset, int size) {
        return new ExternSpec(name, ExternSpec.Kind.KCONFIG, false, false, type, offset, size);
    }

    private static ExternSpec weak(String name, KconfigType type, int offset, int size) {
        return new ExternSpec(name, ExternSpec.Kind.KCONFIG, true, false, type, offset, size);
    }

    private static ByteBuffer render(List<ExternSpec> externs, int size, Map<String, String> virtuals) throws IOException {
        Map<String, String> c = config();
        return ByteBuffer.wrap(Kconfig.render("t.o", externs, size, c::get, virtuals::get)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void parsesValuesAndNotSetLines() throws IOException {
        Map<String, String> c = config();
        assertThat(c).containsEntry("CONFIG_HZ", "250").containsEntry("CONFIG_BPF_SYSCALL", "y")
                .containsEntry("CONFIG_NET_CLS_BPF", "m").containsEntry("CONFIG_KPROBES", "n")
                .containsEntry("CONFIG_DEFAULT_HOSTNAME", "\"(none)\"").doesNotContainKey("#");
    }

    @Test
    void rendersEachTypeAtItsOffset() throws IOException {
        ByteBuffer b = render(List.of(
                kc("CONFIG_HZ", KconfigType.INT, 0, 4),
                kc("CONFIG_PHYSICAL_START", KconfigType.UINT, 8, 8),
                kc("CONFIG_NET_CLS_BPF", KconfigType.TRISTATE, 16, 4),
                kc("CONFIG_NEG", KconfigType.INT, 20, 2),
                kc("CONFIG_BPF_SYSCALL", KconfigType.BOOL, 22, 1),
                kc("CONFIG_KPROBES", KconfigType.CHAR, 23, 1),
                kc("CONFIG_DEFAULT_HOSTNAME", KconfigType.CHAR_ARRAY, 24, 4),
                weak("CONFIG_NOT_THERE", KconfigType.INT, 28, 4)), 32, Map.of());
        assertThat(b.getInt(0)).isEqualTo(250);
        assertThat(b.getLong(8)).isEqualTo(0x1000000L);
        assertThat(b.getInt(16)).as("m").isEqualTo(2);
        assertThat(b.getShort(20)).isEqualTo((short) -3);
        assertThat(b.get(22)).isEqualTo((byte) 1);
        assertThat(b.get(23)).isEqualTo((byte) 'n');
        assertThat(new String(b.array(), 24, 3, StandardCharsets.UTF_8)).as("truncated, NUL-terminated").isEqualTo("(no");
        assertThat(b.get(27)).isZero();
        assertThat(b.getInt(28)).as("weak and absent").isZero();
    }

    @Test
    void virtualValuesComeFromTheLoaderNotTheConfig() throws IOException {
        ByteBuffer b = render(List.of(kc("LINUX_KERNEL_VERSION", KconfigType.UINT, 0, 4),
                kc("LINUX_HAS_BPF_COOKIE", KconfigType.BOOL, 4, 1),
                kc("LINUX_HAS_SYSCALL_WRAPPER", KconfigType.BOOL, 5, 1)), 8,
                Map.of("LINUX_KERNEL_VERSION", "394796", "LINUX_HAS_BPF_COOKIE", "y", "LINUX_HAS_SYSCALL_WRAPPER", "n"));
        assertThat(b.getInt(0)).isEqualTo(394796);
        assertThat(b.get(4)).isEqualTo((byte) 1);
        assertThat(b.get(5)).isZero();
    }

    @Test
    void wrongOrMissingValuesNameTheExtern() {
        assertThatThrownBy(() -> render(List.of(kc("CONFIG_NOT_THERE", KconfigType.INT, 0, 4)), 4, Map.of()))
                .isInstanceOf(BpfException.class).hasMessageContaining("t.o: kconfig extern 'CONFIG_NOT_THERE'")
                .hasMessageContaining("__weak");
        assertThatThrownBy(() -> render(List.of(kc("LINUX_NO_SUCH", KconfigType.BOOL, 0, 1)), 4, Map.of()))
                .isInstanceOf(BpfException.class).hasMessageContaining("LINUX_NO_SUCH")
                .hasMessageContaining("LINUX_HAS_SYSCALL_WRAPPER");
        assertThatThrownBy(() -> render(List.of(kc("CONFIG_NET_CLS_BPF", KconfigType.BOOL, 0, 1)), 4, Map.of()))
                .isInstanceOf(BpfException.class).hasMessageContaining("'m' is not a bool");
        assertThatThrownBy(() -> render(List.of(kc("CONFIG_BPF_SYSCALL", KconfigType.INT, 0, 4)), 4, Map.of()))
                .isInstanceOf(BpfException.class).hasMessageContaining("not a number");
        assertThatThrownBy(() -> render(List.of(kc("CONFIG_HZ", KconfigType.CHAR_ARRAY, 0, 4)), 4, Map.of()))
                .isInstanceOf(BpfException.class).hasMessageContaining("not a string");
    }

    @Test
    void kernelVersionIsLibbpfs() {
        assertThat(Kconfig.kernelVersion("6.18.44-amd64")).isEqualTo((6 << 16) + (18 << 8) + 44);
        assertThat(Kconfig.kernelVersion("4.19.300")).as("patch capped at 255").isEqualTo((4 << 16) + (19 << 8) + 255);
        assertThat(Kconfig.kernelVersion("6.1-rc1")).as("not three numbers: 0, as libbpf").isZero();
        assertThat(Kconfig.kernelVersion("v6.1.2")).isZero();
        assertThat(Kconfig.kernelVersion("99999999999.1.2")).isZero();
    }
}
