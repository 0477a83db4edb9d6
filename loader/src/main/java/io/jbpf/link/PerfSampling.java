package io.jbpf.link;

import io.jbpf.common.BpfException;
import java.util.Objects;

/**
 * How often a perf event runs its program: every {@code value} events ({@link Mode#PERIOD}; for
 * cpu-clock and task-clock an event is a nanosecond), or about {@code value} times a second
 * ({@link Mode#FREQUENCY}, the kernel adapting the period).
 *
 * @param mode  period or frequency
 * @param value events per sample, or samples per second; at least 1
 */
public record PerfSampling(Mode mode, long value) {
    /** What {@code value} counts. */
    public enum Mode {
        /** {@code sample_period}: one sample every {@code value} events. */
        PERIOD,
        /** {@code sample_freq} with the {@code freq} bit: {@code value} samples a second. */
        FREQUENCY
    }

    /** Checks that the mode is given and the value is at least 1. */
    public PerfSampling {
        Objects.requireNonNull(mode, "mode");
        if (value < 1) {
            throw new BpfException("perf sampling " + mode.name().toLowerCase(java.util.Locale.ROOT) + " " + value
                    + " is not positive");
        }
    }

    /** One sample every {@code events} events (nanoseconds for cpu-clock). */
    public static PerfSampling period(long events) {
        return new PerfSampling(Mode.PERIOD, events);
    }

    /** About {@code hertz} samples a second. */
    public static PerfSampling frequency(long hertz) {
        return new PerfSampling(Mode.FREQUENCY, hertz);
    }
}
