package io.jbpf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** xdpsock --echo's rewriting of echo requests into replies, checked by the checksums a receiver would verify. */
class IcmpEchoTest {
    private static final byte[] A = {2, 0, 0, 0, 0, 0xa};
    private static final byte[] B = {2, 0, 0, 0, 0, 0xb};

    /** The Internet checksum (RFC 1071) of {@code n} bytes at {@code off}, plus {@code initial}. */
    private static int sum(ByteBuffer b, int off, int n, int initial) {
        int s = initial;
        for (int i = 0; i < n; i += 2) {
            s += ((b.get(off + i) & 0xff) << 8) | (i + 1 < n ? b.get(off + i + 1) & 0xff : 0);
        }
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return s;
    }

    private static ByteBuffer frame(int length) {
        // The UMEM buffer is in the machine's order: the code must not depend on it.
        ByteBuffer b = ByteBuffer.allocateDirect(length + 100).order(ByteOrder.LITTLE_ENDIAN);
        b.put(100, B).put(106, A);
        return b;
    }

    @Test
    void ipv4EchoRequestBecomesAReplyWithAValidChecksum() {
        int icmpLen = 8 + 20;
        ByteBuffer b = frame(14 + 20 + icmpLen);
        int o = 100;
        b.put(o + 12, (byte) 0x08).put(o + 13, (byte) 0);
        int ip = o + 14;
        b.put(ip, (byte) 0x45).put(ip + 9, (byte) 1);
        b.put(ip + 12, new byte[] {10, 0, 0, 2}).put(ip + 16, new byte[] {10, 0, 0, 1});
        int icmp = ip + 20;
        b.put(icmp, (byte) 8).put(icmp + 4, (byte) 0x12).put(icmp + 5, (byte) 0x34).put(icmp + 7, (byte) 1);
        for (int i = 8; i < icmpLen; i++) {
            b.put(icmp + i, (byte) (i * 7));
        }
        int c = ~sum(b, icmp, icmpLen, 0) & 0xffff;
        b.put(icmp + 2, (byte) (c >>> 8)).put(icmp + 3, (byte) c);
        assertThat(IcmpEcho.reply(b, o, 14 + 20 + icmpLen)).isTrue();
        byte[] mac = new byte[6];
        b.get(o, mac);
        assertThat(mac).isEqualTo(A);
        b.get(o + 6, mac);
        assertThat(mac).isEqualTo(B);
        assertThat(b.get(ip + 15)).isEqualTo((byte) 1);
        assertThat(b.get(ip + 19)).isEqualTo((byte) 2);
        assertThat(b.get(icmp)).isZero();
        assertThat(sum(b, icmp, icmpLen, 0)).as("a valid checksum sums to 0xffff").isEqualTo(0xffff);
        assertThat(IcmpEcho.reply(b, o, 14 + 20 + icmpLen)).as("a reply is left alone").isFalse();
    }

    @Test
    void ipv6EchoRequestBecomesAReplyWithAValidChecksum() {
        int icmpLen = 8 + 13;
        ByteBuffer b = frame(14 + 40 + icmpLen);
        int o = 100;
        b.put(o + 12, (byte) 0x86).put(o + 13, (byte) 0xdd);
        int ip = o + 14;
        b.put(ip, (byte) 0x60).put(ip + 5, (byte) icmpLen).put(ip + 6, (byte) 58).put(ip + 7, (byte) 64);
        for (int i = 0; i < 16; i++) {
            b.put(ip + 8 + i, (byte) (0xfc + i));
            b.put(ip + 24 + i, (byte) (0x10 + i));
        }
        int icmp = ip + 40;
        b.put(icmp, (byte) 128).put(icmp + 7, (byte) 9);
        for (int i = 8; i < icmpLen; i++) {
            b.put(icmp + i, (byte) (i * 13));
        }
        int pseudo = sum(b, ip + 8, 32, icmpLen + 58);
        int c = ~sum(b, icmp, icmpLen, pseudo) & 0xffff;
        b.put(icmp + 2, (byte) (c >>> 8)).put(icmp + 3, (byte) c);
        assertThat(IcmpEcho.reply(b, o, 14 + 40 + icmpLen)).isTrue();
        assertThat(b.get(icmp) & 0xff).isEqualTo(129);
        assertThat(b.get(ip + 8)).isEqualTo((byte) 0x10);
        assertThat(b.get(ip + 24) & 0xff).isEqualTo(0xfc);
        assertThat(sum(b, icmp, icmpLen, sum(b, ip + 8, 32, icmpLen + 58))).isEqualTo(0xffff);
    }

    @Test
    void otherFramesAreLeftAlone() {
        ByteBuffer b = frame(60);
        b.put(100 + 12, (byte) 0x08).put(100 + 13, (byte) 0x06); // ARP
        assertThat(IcmpEcho.reply(b, 100, 60)).isFalse();
        b.put(100 + 13, (byte) 0).put(114, (byte) 0x45).put(114 + 9, (byte) 17); // UDP
        assertThat(IcmpEcho.reply(b, 100, 60)).isFalse();
        assertThat(IcmpEcho.reply(b, 100, 20)).as("too short").isFalse();
    }

    @Test
    void checksumReplaceMatchesRecomputing() {
        // RFC 1624's example: a checksum of 0xdd2f, a word going from 0x5555 to 0x3285, gives 0x0000.
        assertThat(IcmpEcho.checksumReplace(0xdd2f, 0x5555, 0x3285)).isEqualTo(0x0000);
    }
}
