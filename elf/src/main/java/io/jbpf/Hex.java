package io.jbpf;

/** Bytes as lower-case hex, without java.util.Formatter (slow to start and slow per byte). */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    /** {@code length} bytes from {@code offset}, two digits each, {@code separator} between bytes. */
    public static String of(byte[] bytes, int offset, int length, String separator) {
        StringBuilder s = new StringBuilder(length * (2 + separator.length()));
        for (int i = 0; i < length; i++) {
            if (i > 0) {
                s.append(separator);
            }
            int b = bytes[offset + i] & 0xff;
            s.append(DIGITS[b >>> 4]).append(DIGITS[b & 0xf]);
        }
        return s.toString();
    }
}
