package io.jbpf.cli;

import java.nio.ByteBuffer;

/**
 * Turns an ICMP or ICMPv6 echo request, in place in a UMEM frame, into its reply, as the
 * xdp-tutorial's advanced03 assignment does in user space: Ethernet and IP addresses swapped,
 * the type set to echo reply, the checksum adjusted for the one changed word (RFC 1624). Every
 * other frame is left alone. Allocates nothing.
 */
final class IcmpEcho {
    private static final int ETH_HLEN = 14;
    private static final int IPV6_HLEN = 40;

    private IcmpEcho() {
    }

    /** True when the {@code length} bytes at {@code offset} of {@code b} were an echo request, now rewritten into the reply. */
    static boolean reply(ByteBuffer b, int offset, int length) {
        if (length < ETH_HLEN + 20 + 8) {
            return false;
        }
        // byte by byte: the UMEM buffer is in the machine's order, the headers in network order
        int hi = b.get(offset + 12) & 0xff;
        int lo = b.get(offset + 13) & 0xff;
        int ip = offset + ETH_HLEN;
        int icmp;
        int newType;
        if (hi == 0x08 && lo == 0x00) {
            int ihl = (b.get(ip) & 0x0f) * 4;
            if ((b.get(ip) & 0xf0) != 0x40 || ihl < 20 || b.get(ip + 9) != 1 || length < ETH_HLEN + ihl + 8) {
                return false;
            }
            icmp = ip + ihl;
            if (b.get(icmp) != 8 || b.get(icmp + 1) != 0) {
                return false;
            }
            swap(b, ip + 12, ip + 16, 4);
            newType = 0;
        } else if (hi == 0x86 && lo == 0xdd) {
            if (length < ETH_HLEN + IPV6_HLEN + 8 || (b.get(ip) & 0xf0) != 0x60 || (b.get(ip + 6) & 0xff) != 58) {
                return false;
            }
            icmp = ip + IPV6_HLEN;
            if ((b.get(icmp) & 0xff) != 128 || b.get(icmp + 1) != 0) {
                return false;
            }
            // Swapping source and destination leaves the pseudo-header's sum unchanged.
            swap(b, ip + 8, ip + 24, 16);
            newType = 129;
        } else {
            return false;
        }
        swap(b, offset, offset + 6, 6);
        int oldWord = (b.get(icmp) & 0xff) << 8;
        int newWord = newType << 8;
        b.put(icmp, (byte) newType);
        int check = ((b.get(icmp + 2) & 0xff) << 8) | (b.get(icmp + 3) & 0xff);
        check = checksumReplace(check, oldWord, newWord);
        b.put(icmp + 2, (byte) (check >>> 8));
        b.put(icmp + 3, (byte) check);
        return true;
    }

    /** RFC 1624, eqn. 3: the checksum {@code check} after one 16-bit word changed from {@code old} to {@code now}. */
    static int checksumReplace(int check, int old, int now) {
        int sum = (~check & 0xffff) + (~old & 0xffff) + (now & 0xffff);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        return ~sum & 0xffff;
    }

    private static void swap(ByteBuffer b, int x, int y, int n) {
        for (int i = 0; i < n; i++) {
            byte t = b.get(x + i);
            b.put(x + i, b.get(y + i));
            b.put(y + i, t);
        }
    }
}
