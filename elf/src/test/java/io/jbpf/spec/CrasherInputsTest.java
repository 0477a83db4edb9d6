package io.jbpf.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jbpf.common.BpfException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Damaged objects that once crashed the reader or the formatter with something other than a
 * {@link BpfException} (found by {@link MutationRunTest}, plus the review's f2_0.o). Each must now
 * be refused with a BpfException that names the object.
 */
class CrasherInputsTest {
    /** File under src/test/resources/crashers, and the bug class it showed. */
    static final List<String> CRASHERS = List.of(
            "f2_0.o",                          // kconfig extern size from BTF cast to int: NegativeArraySizeException
            "kconfig_int_size_2g.o",           // same, a 2^31-byte int extern
            "kconfig_size_wraps_alloc.o",      // kconfig sizes wrap around to a ~2 GB .kconfig buffer (slow, huge allocation)
            "kconfig_datasec_void_entry.o",    // .kconfig DATASEC entry of type 0 (void): NullPointerException
            "fmt_member_past_value.o",         // map value type's member lies past the value: IndexOutOfBoundsException
            "fmt_int_size_past_value.o",       // INT of 2 MiB in a 16-byte value: IndexOutOfBoundsException
            "int_bool_size_zero.o");           // a bool INT of 0 bytes, read past the value (found by review fuzzing)

    @ParameterizedTest
    @FieldSource("CRASHERS")
    void isRefusedWithABpfExceptionNamingTheObject(String file) {
        byte[] bytes = resource(file);
        Throwable t = catchThrowable(() -> SpecWalk.walk(BpfObjectSpec.parse(file, bytes)));
        assertThat(t).as(file).isInstanceOf(BpfException.class);
        assertThat(t.getMessage()).contains(file);
    }

    private static byte[] resource(String file) {
        try (InputStream in = CrasherInputsTest.class.getResourceAsStream("/crashers/" + file)) {
            assertThat(in).as("resource crashers/" + file).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
