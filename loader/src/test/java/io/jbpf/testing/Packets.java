package io.jbpf.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The test packets of bpf-src/corpus/MANIFEST.md ("Test packets"). */
public final class Packets {
    private Packets() {
    }

    /** {@code ANY64}: 64 x 'A', EtherType 0x4141 (not IPv4). */
    public static byte[] any64() {
        byte[] p = new byte[64];
        Arrays.fill(p, (byte) 'A');
        return p;
    }

    /** {@code PING64}: dst 00:00:00:00:00:01, src 00:00:00:00:00:02, type 0x0800, "PINGjbpf", 42 x 'A'. */
    public static byte[] ping64() {
        ByteBuffer b = ByteBuffer.allocate(64);
        b.put(new byte[] {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0x08, 0x00});
        b.put("PINGjbpf".getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) {
            b.put((byte) 'A');
        }
        return b.array();
    }

    /**
     * {@code UDP(d, p)}: 74 bytes; Ethernet 02:00:00:00:00:01 <- 02:00:00:00:00:02, IPv4
     * 192.168.0.1 -> {@code dst} (TTL 64, checksum 0), UDP 1234 -> {@code dport} (len 40,
     * checksum 0), payload "PINGjbpf" + bytes 0x00..0x17.
     */
    public static byte[] udp(String dst, int dport) {
        ByteBuffer b = ByteBuffer.allocate(74); // big-endian, as on the wire
        b.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00});
        b.put(new byte[] {0x45, 0x00, 0x00, 0x3c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00});
        b.put(new byte[] {(byte) 192, (byte) 168, 0, 1});
        b.put(ipv4(dst));
        b.putShort((short) 1234).putShort((short) dport).putShort((short) 40).putShort((short) 0);
        b.put("PINGjbpf".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 0x18; i++) {
            b.put((byte) i);
        }
        return b.array();
    }

    /** Dotted quad to 4 bytes in network order. */
    public static byte[] ipv4(String dotted) {
        String[] parts = dotted.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            out[i] = (byte) Integer.parseInt(parts[i]);
        }
        return out;
    }

    public static byte[] hex(String s) {
        String h = s.replaceAll("\\s", "");
        byte[] out = new byte[h.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
