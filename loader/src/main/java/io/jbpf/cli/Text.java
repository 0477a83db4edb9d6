package io.jbpf.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Columns for the CLI's tables. printf would do, but java.util.Formatter sets up locale data on
 * first use, which cost about 20 ms of a short command's start here.
 */
final class Text {
    private Text() {
    }

    /** {@code v} left-aligned in {@code width} columns (as {@code %-Ns}); longer values are kept whole. */
    static String left(Object v, int width) {
        String s = String.valueOf(v);
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    /** {@code v} right-aligned in {@code width} columns (as {@code %Ns} or {@code %Nd}). */
    static String right(Object v, int width) {
        String s = String.valueOf(v);
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    /** {@code v} with {@code decimals} digits after the point, rounded half up (as {@code %.Nf}). */
    static String fixed(double v, int decimals) {
        return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
    }
}
