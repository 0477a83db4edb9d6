package io.jbpf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class IntRangeConverterTest {
    private final IntRangeConverter ids = new IntRangeConverter(1, Integer.MAX_VALUE, "a map id");

    @ParameterizedTest
    @CsvSource({"1, 1", "42, 42", "010, 10", "2147483647, 2147483647"})
    void readsDecimalNumbersInRange(String text, int value) {
        assertThat(ids.convert(text)).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "+1", "2147483648", "99999999999", "0x10", "#10", "1.0", "1e3", "1L", " 1", "", "one"})
    void refusesAnythingElseNamingTheRange(String text) {
        assertThatThrownBy(() -> ids.convert(text)).isInstanceOf(TypeConversionException.class)
                .hasMessage("'" + text + "' is not a map id; use a whole number from 1 to 2147483647");
    }

    @ParameterizedTest
    @CsvSource({"3, 3", "5, 5", "7, 7"})
    void keepsToItsLimits(String text, int value) {
        IntRangeConverter small = new IntRangeConverter(3, 7, "a small number");
        assertThat(small.convert(text)).isEqualTo(value);
        assertThatThrownBy(() -> small.convert("2")).hasMessageContaining("from 3 to 7");
        assertThatThrownBy(() -> small.convert("8")).hasMessageContaining("from 3 to 7");
    }
}
