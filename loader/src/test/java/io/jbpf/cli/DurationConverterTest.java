package io.jbpf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
    private final DurationConverter interval = DurationConverter.interval();

    @ParameterizedTest
    @CsvSource({
        "500ms, 500000000",
        "10ms, 10000000",
        "12.5ms, 12500000",
        "1s, 1000000000",
        "2.5s, 2500000000",
        "0.25s, 250000000",
        "2m, 120000000000",
        "1.5m, 90000000000",
        "1h, 3600000000000",
        "60m, 3600000000000",
        "2, 2000000000",
        "0.5, 500000000",
        "0.01, 10000000",
        "007s, 7000000000",
    })
    void readsNumbersWithUnitsAndPlainSeconds(String text, long nanos) {
        assertThat(interval.convert(text)).isEqualTo(nanos);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1d", "0.5f", "2.5d", "1L", "1e-12", "1e3ms", "0x10", "-1s", "+1s", "", " 1s", "1s ", "1 s",
        "1S", "1sec", "1us", "1ns", ".5s", "5.s", "1s500ms", "NaN", "Infinity", "1,5s", "s", "ms"})
    void refusesAnythingElseNamingTheAcceptedForms(String text) {
        assertThatThrownBy(() -> interval.convert(text)).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'" + text + "' is not a time").hasMessageContaining("500ms")
                .hasMessageContaining("plain seconds").hasMessageContaining("from 10ms to 1h");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0s", "0ms", "9ms", "9.999ms", "0.009", "1.0000001h", "61m", "3601", "2h",
        "999999999999h"})
    void refusesTimesOutsideTheLimits(String text) {
        assertThatThrownBy(() -> interval.convert(text)).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'" + text + "' is out of range").hasMessageContaining("from 10ms to 1h");
    }

    @ParameterizedTest
    @CsvSource({"10000000, 10ms", "1500000, 1.5ms", "1000000000, 1s", "120000000000, 2m", "3600000000000, 1h"})
    void writesLimitsAsTheyAreTyped(long nanos, String text) {
        assertThat(DurationConverter.text(nanos)).isEqualTo(text);
    }
}
