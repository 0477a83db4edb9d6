package io.jbpf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class CounterMathTest {
    /** 2^63 + 5 as the u64 bit pattern Java holds in a long. */
    private static final long ABOVE_2_63 = Long.MIN_VALUE + 5;

    @Test
    void increaseIsTheDifferenceWhileTheCounterGrows() {
        assertThat(CounterMath.increase(0, 0)).isZero();
        assertThat(CounterMath.increase(20, 20)).isZero();
        assertThat(CounterMath.increase(20, 35)).isEqualTo(15);
    }

    @Test
    void aCounterThatWentDownWasResetAndCountsFromZero() {
        // XDP_TX at 20, a user writes 0, 3 more packets: 3 packets in the period, not -17
        assertThat(CounterMath.increase(20, 3)).isEqualTo(3);
        assertThat(CounterMath.increase(20, 0)).isZero();
    }

    @Test
    void countersAtAndAbove2To63AreUnsigned() {
        // crossing 2^63 is growth (signed, it would look like a fall to a negative number)
        assertThat(CounterMath.increase(Long.MAX_VALUE - 1, ABOVE_2_63)).isEqualTo(7);
        assertThat(CounterMath.increase(ABOVE_2_63, ABOVE_2_63 + 10)).isEqualTo(10);
        // from 2^63 + 5 down to 4 is a reset
        assertThat(CounterMath.increase(ABOVE_2_63, 4)).isEqualTo(4);
        // -1 is 2^64 - 1, the largest u64: up from anything
        assertThat(CounterMath.increase(ABOVE_2_63, -1L)).isEqualTo(Long.MAX_VALUE - 5);
    }

    @Test
    void printsU64Unsigned() {
        assertThat(CounterMath.text(ABOVE_2_63)).isEqualTo("9223372036854775813");
        assertThat(CounterMath.text(-1L)).isEqualTo("18446744073709551615");
        assertThat(CounterMath.text(40)).isEqualTo("40");
        assertThat(CounterMath.json(40)).isEqualTo(40L);
        assertThat(CounterMath.json(-1L)).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(Json.write(CounterMath.json(ABOVE_2_63))).isEqualTo("9223372036854775813");
    }

    @Test
    void ratesOfU64IncreasesArePositive() {
        assertThat(CounterMath.toDouble(ABOVE_2_63)).isEqualTo(0x1p63, within(1e4));
        assertThat(CounterMath.toDouble(-1L)).isEqualTo(0x1p64, within(1e4));
        assertThat(CounterMath.perSecond(20, 0.5)).isEqualTo(40.0);
        assertThat(CounterMath.perSecond(ABOVE_2_63, 2.0)).isEqualTo(0x1p62, within(1e4));
        // bytes * 8 would overflow a long from 2^60 bytes on; the rate must not
        assertThat(CounterMath.megabitsPerSecond(1L << 61, 1.0)).isEqualTo(0x1p64 / 1e6, within(1.0));
        assertThat(CounterMath.megabitsPerSecond(125_000, 1.0)).isEqualTo(1.0);
    }
}
