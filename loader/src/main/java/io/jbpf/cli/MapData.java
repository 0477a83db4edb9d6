package io.jbpf.cli;

import io.jbpf.btf.Btf;
import java.util.HexFormat;
import java.util.List;

/**
 * A key or value given on the command line, as bytes for the map:
 * <ul>
 * <li>{@code hex 01 00 00 00} (or {@code hex 01000000}): bytes in hex, as bpftool takes them;</li>
 * <li>{@code 1 0 0 0} or {@code 0x01 0x00 0x00 0x00}: one word per byte, as bpftool takes them;</li>
 * <li>{@code field=value ...}: members of a struct by the map's BTF ({@code a.b=3} for nested ones);</li>
 * <li>one JSON word ({@code 7}, {@code '{"pid": 1, "comm": "bash"}'}, {@code '[1,2]'}): typed by BTF;</li>
 * <li>one number for a 2-, 4- or 8-byte key or value without BTF (an array index): little-endian.</li>
 * </ul>
 */
final class MapData {
    private MapData() {
    }

    /**
     * The bytes {@code words} stand for, {@code size} of them; {@code btf} and {@code typeId} type
     * them (null and 0 when the map has no BTF for this half); {@code what} ("key", "value") names
     * it in errors.
     *
     * @throws IllegalArgumentException when the words do not give {@code size} bytes (a usage error)
     */
    static byte[] parse(List<String> words, int size, Btf btf, int typeId, String what) {
        if (words.isEmpty()) {
            throw new IllegalArgumentException("missing " + what + " (" + size + " bytes): hex BYTES, BYTES, FIELD=VALUE... or JSON");
        }
        if (words.get(0).equals("hex")) {
            String hex = String.join("", words.subList(1, words.size()));
            byte[] b;
            try {
                b = HexFormat.of().parseHex(hex);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + ": '" + String.join(" ", words.subList(1, words.size()))
                        + "' is not hex bytes");
            }
            return sized(b, size, what);
        }
        byte[] bytes = bytes(words);
        if (bytes != null && bytes.length == size) {
            return bytes;
        }
        boolean typed = btf != null && typeId != 0;
        if (!typed && words.size() == 1 && (size == 2 || size == 4 || size == 8)
                && Json.number(words.get(0)) instanceof Long n) {
            // An untyped key of an array or of global data is its index: little-endian.
            byte[] b = new byte[size];
            for (int i = 0; i < size; i++) {
                b[i] = (byte) (n >>> (8 * i));
            }
            return b;
        }
        if (bytes != null && (!typed || words.size() > 1)) {
            return sized(bytes, size, what);
        }
        if (!typed) {
            throw new IllegalArgumentException(what + ": the map has no BTF type for its " + what + ", so give its " + size
                    + " bytes: hex 01 00 ... or 1 0 ...");
        }
        Object tree;
        if (words.stream().allMatch(w -> w.indexOf('=') > 0 && !w.startsWith("{") && !w.startsWith("\""))) {
            tree = BtfValues.assignments(words);
        } else if (words.size() == 1) {
            tree = Json.parse(words.get(0));
        } else {
            throw new IllegalArgumentException(what + ": give bytes, FIELD=VALUE words, or the " + what
                    + " as one JSON word (quote it), not '" + String.join(" ", words) + "'");
        }
        return sized(new BtfValues(btf).encode(typeId, tree), size, what);
    }

    /** One byte per word (decimal, or 0x hex), or null when a word is not a byte. */
    private static byte[] bytes(List<String> words) {
        byte[] out = new byte[words.size()];
        for (int i = 0; i < out.length; i++) {
            String w = words.get(i);
            int v;
            try {
                v = w.startsWith("0x") || w.startsWith("0X") ? Integer.parseInt(w.substring(2), 16) : Integer.parseInt(w);
            } catch (NumberFormatException e) {
                return null;
            }
            if (v < 0 || v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] sized(byte[] b, int size, String what) {
        if (b.length != size) {
            throw new IllegalArgumentException(what + " is " + size + " bytes, " + b.length + " given");
        }
        return b;
    }
}
