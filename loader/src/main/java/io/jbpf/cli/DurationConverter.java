package io.jbpf.cli;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A time option's value, in nanoseconds: a decimal number with a unit, {@code 500ms}, {@code 1s},
 * {@code 2.5s}, {@code 2m}, {@code 1h}, or a plain number of seconds ({@code 2}, {@code 0.5}), as
 * xdp_stats, ping and watch take it. Nothing else: no exponent, sign, spaces or Java number
 * suffixes ({@code 1d} and {@code 0.5f} are not days or floats), so a typo is an error rather
 * than another time, and the value must lie within the option's limits.
 */
final class DurationConverter implements ITypeConverter<Long> {
    /** Digits, an optional fraction, an optional unit; group 1 the number, group 2 the unit. */
    private static final Pattern FORM = Pattern.compile("([0-9]{1,12}(?:\\.[0-9]{1,9})?)(ms|s|m|h)?");
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    /** The forms, for help texts and error messages. */
    static final String FORMS = "a number with unit ms, s, m or h (500ms, 1s, 2.5s, 2m) or plain seconds (2, 0.5)";

    private final long minNanos;
    private final long maxNanos;

    /** Accepts times from {@code minNanos} to {@code maxNanos}, both included. */
    DurationConverter(long minNanos, long maxNanos) {
        this.minNanos = minNanos;
        this.maxNanos = maxNanos;
    }

    /** Report intervals: 10 ms (shorter would only measure the timer) to 1 h. */
    static DurationConverter interval() {
        return new DurationConverter(10 * MS, 3600 * S);
    }

    @Override
    public Long convert(String value) {
        Matcher m = FORM.matcher(value);
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a time; use " + FORMS + ", from " + text(minNanos)
                    + " to " + text(maxNanos));
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        long perUnit = switch (unit) {
            case "ms" -> MS;
            case "s" -> S;
            case "m" -> 60 * S;
            default -> 3600 * S;
        };
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(perUnit));
        if (nanos.compareTo(BigDecimal.valueOf(minNanos)) < 0 || nanos.compareTo(BigDecimal.valueOf(maxNanos)) > 0) {
            throw new TypeConversionException("'" + value + "' is out of range; use a time from " + text(minNanos) + " to "
                    + text(maxNanos));
        }
        return nanos.longValue(); // a fraction of a nanosecond is dropped
    }

    /** A limit as the user would write it: 10ms, 1s, 1h. */
    static String text(long nanos) {
        if (nanos % (3600 * S) == 0) {
            return nanos / (3600 * S) + "h";
        }
        if (nanos % (60 * S) == 0) {
            return nanos / (60 * S) + "m";
        }
        if (nanos % S == 0) {
            return nanos / S + "s";
        }
        return BigDecimal.valueOf(nanos).movePointLeft(6).stripTrailingZeros().toPlainString() + "ms";
    }
}
