package io.jbpf.cli;

import java.math.BigInteger;

/**
 * Arithmetic on the {@code __u64} counters of a stats map, which Java holds in signed longs.
 * Totals of 2^63 and more are printed unsigned, and rates go through {@code double} unsigned.
 * A counter that went down was reset (a user wrote 0 into the map, or the program's counters
 * were cleared): everything it counts now came after the reset, so its increase over the period
 * is its new value, as Prometheus' rate() reads a reset. xdp_stats instead subtracts in
 * {@code __u64} and shows a rate near 2^64. A genuine wrap past 2^64 - 1 looks like a reset too,
 * and is read the same way.
 */
final class CounterMath {
    private static final double TWO_TO_64 = 0x1p64;

    private CounterMath() {
    }

    /** How much a u64 counter grew from {@code prev} to {@code cur}; {@code cur} itself when it went down. */
    static long increase(long prev, long cur) {
        return Long.compareUnsigned(cur, prev) >= 0 ? cur - prev : cur;
    }

    /** The u64 {@code v} as a double (rounded to 53 bits, as any double). */
    static double toDouble(long v) {
        return v >= 0 ? v : v + TWO_TO_64;
    }

    /** {@code increase} (a u64) per second over {@code seconds}. */
    static double perSecond(long increase, double seconds) {
        return toDouble(increase) / seconds;
    }

    /** A u64 byte {@code increase} over {@code seconds} in Mbit/s (10^6 bits per second). */
    static double megabitsPerSecond(long increase, double seconds) {
        return toDouble(increase) * 8 / seconds / 1e6;
    }

    /** The u64 {@code v} as decimal text. */
    static String text(long v) {
        return Long.toUnsignedString(v);
    }

    /** The u64 {@code v} as a JSON number: a Long below 2^63, a BigInteger from there on. */
    static Number json(long v) {
        return v >= 0 ? (Number) v : new BigInteger(Long.toUnsignedString(v));
    }
}
