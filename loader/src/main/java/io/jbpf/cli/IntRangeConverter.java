package io.jbpf.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A whole-number option's value: decimal digits only, within the option's limits. picocli's own
 * int conversion takes a sign ({@code --count -1}) and leaves range checks to each command;
 * this one makes every out-of-range or malformed number a usage error naming the option.
 */
final class IntRangeConverter implements ITypeConverter<Integer> {
    private final int min;
    private final int max;
    private final String what;

    /** Accepts {@code min} (0 or more) to {@code max}, both included; {@code what} describes the value in errors ("a map id"). */
    IntRangeConverter(int min, int max, String what) {
        this.min = min;
        this.max = max;
        this.what = what;
    }

    @Override
    public Integer convert(String value) {
        // at most 10 digits: any int, and more, fits a long without overflow
        boolean digits = !value.isEmpty() && value.length() <= 10 && value.chars().allMatch(c -> c >= '0' && c <= '9');
        long v = digits ? Long.parseLong(value) : 0;
        if (!digits || v < min || v > max) {
            throw new TypeConversionException("'" + value + "' is not " + what + "; use a whole number from " + min + " to "
                    + max);
        }
        return (int) v;
    }
}
