package io.jbpf.spec;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Damages a copy of an object for the mutation run. Most cases set structure fields
 * ({@link ObjectFields}) to values a careless reader trusts: 0, all ones, 2^31, the file's length,
 * one past the original. The rest flip bits, overwrite a run of bytes or truncate the file.
 */
final class Mutator {
    private Mutator() {
    }

    static MutationRunTest.Mutation mutate(byte[] original, ObjectFields fields, SplittableRandom rnd) {
        byte[] b = original.clone();
        StringBuilder what = new StringBuilder();
        int roll = rnd.nextInt(100);
        if (roll < 45) {
            setField(b, pick(fields.all(), rnd), rnd, what);
        } else if (roll < 55 && !fields.externFields().isEmpty()) {
            setField(b, pick(fields.externFields(), rnd), rnd, what);
        } else if (roll < 70) {
            int n = 1 + rnd.nextInt(rnd.nextBoolean() ? 2 : 8);
            for (int i = 0; i < n; i++) {
                flip(b, rnd, what);
            }
        } else if (roll < 75) {
            int at = rnd.nextInt(b.length);
            int len = Math.min(b.length - at, 1 + rnd.nextInt(16));
            for (int i = 0; i < len; i++) {
                b[at + i] = (byte) rnd.nextInt(256);
            }
            what.append("random bytes at ").append(at).append(" +").append(len);
        } else if (roll < 87) {
            return truncate(b, fields, rnd);
        } else {
            int n = 2 + rnd.nextInt(2);
            for (int i = 0; i < n; i++) {
                setField(b, pick(fields.all(), rnd), rnd, what);
                what.append("; ");
            }
            flip(b, rnd, what);
        }
        return new MutationRunTest.Mutation(what.toString(), b);
    }

    private static <T> T pick(List<T> list, SplittableRandom rnd) {
        return list.get(rnd.nextInt(list.size()));
    }

    private static void flip(byte[] b, SplittableRandom rnd, StringBuilder what) {
        int bit = rnd.nextInt(b.length * 8);
        b[bit / 8] ^= (byte) (1 << (bit % 8));
        what.append("flip bit ").append(bit).append(' ');
    }

    private static MutationRunTest.Mutation truncate(byte[] b, ObjectFields fields, SplittableRandom rnd) {
        int len;
        if (rnd.nextBoolean() && !fields.boundaries().isEmpty()) {
            len = pick(fields.boundaries(), rnd) + rnd.nextInt(-2, 3);
        } else {
            len = rnd.nextInt(b.length);
        }
        len = Math.max(0, Math.min(b.length - 1, len));
        return new MutationRunTest.Mutation("truncate to " + len + " of " + b.length,
                java.util.Arrays.copyOf(b, len));
    }

    private static void setField(byte[] b, ObjectFields.Field f, SplittableRandom rnd, StringBuilder what) {
        if (f.offset() < 0 || f.offset() + f.width() > b.length) {
            return;
        }
        long old = get(b, f);
        long max = f.width() == 8 ? -1L : (1L << (8 * f.width())) - 1;
        long v = switch (rnd.nextInt(14)) {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> max;
            case 3 -> max - 1;
            case 4 -> 1L << (8 * f.width() - 1);            // 2^31 for a u32: negative as an int
            case 5 -> (1L << (8 * f.width() - 1)) - 1;      // INT_MAX for a u32
            case 6 -> old + 1;
            case 7 -> old - 1;
            case 8 -> old * 2 + 1;
            case 9 -> old + b.length;
            case 10 -> b.length - rnd.nextInt(1, 17);
            case 11 -> old ^ (1L << rnd.nextInt(8 * f.width()));
            case 12 -> rnd.nextInt(64);
            default -> rnd.nextLong();
        };
        put(b, f, v & max);
        what.append(f.label()).append(" := 0x").append(Long.toHexString(v & max))
                .append(" (was 0x").append(Long.toHexString(old)).append(')');
    }

    private static long get(byte[] b, ObjectFields.Field f) {
        long v = 0;
        for (int i = f.width() - 1; i >= 0; i--) {
            v = v << 8 | (b[f.offset() + i] & 0xff);
        }
        return v;
    }

    private static void put(byte[] b, ObjectFields.Field f, long v) {
        for (int i = 0; i < f.width(); i++) {
            b[f.offset() + i] = (byte) (v >>> (8 * i));
        }
    }
}
