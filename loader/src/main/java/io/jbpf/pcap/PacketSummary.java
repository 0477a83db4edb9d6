package io.jbpf.pcap;

import java.nio.ByteBuffer;

/**
 * A one-line decode of an Ethernet frame, as tcpdump prints it in short: addresses and protocol
 * of IPv4, IPv6 and ARP (through up to two VLAN tags), ports of TCP and UDP, type, id and
 * sequence of ICMP and ICMPv6 echo. A frame cut short by the snaplen decodes as far as it goes.
 */
public final class PacketSummary {
    private PacketSummary() {
    }

    /** The decode of {@code length} bytes of {@code b} from {@code offset} (absolute gets). */
    public static String of(ByteBuffer b, int offset, int length) {
        int end = offset + length;
        int p = offset + 12;
        if (p + 2 > end) {
            return "truncated Ethernet frame";
        }
        int type = u16(b, p);
        p += 2;
        StringBuilder s = new StringBuilder();
        for (int tags = 0; (type == 0x8100 || type == 0x88a8) && tags < 2; tags++) {
            if (p + 4 > end) {
                return "802.1Q, truncated";
            }
            s.append("vlan ").append(u16(b, p) & 0xfff).append(", ");
            type = u16(b, p + 2);
            p += 4;
        }
        switch (type) {
            case 0x0800 -> ipv4(b, p, end, s);
            case 0x86dd -> ipv6(b, p, end, s);
            case 0x0806 -> s.append("ARP");
            default -> s.append(String.format("ethertype 0x%04x", type));
        }
        return s.toString();
    }

    private static void ipv4(ByteBuffer b, int p, int end, StringBuilder s) {
        if (p + 20 > end) {
            s.append("IPv4, truncated");
            return;
        }
        int ihl = (b.get(p) & 0xf) * 4;
        int proto = b.get(p + 9) & 0xff;
        s.append("IP ").append(ip4(b, p + 12)).append(" > ").append(ip4(b, p + 16));
        transport(b, p + ihl, end, proto, 1, s);
    }

    private static void ipv6(ByteBuffer b, int p, int end, StringBuilder s) {
        if (p + 40 > end) {
            s.append("IPv6, truncated");
            return;
        }
        int next = b.get(p + 6) & 0xff;
        s.append("IP6 ").append(ip6(b, p + 8)).append(" > ").append(ip6(b, p + 24));
        transport(b, p + 40, end, next, 58, s);
    }

    private static void transport(ByteBuffer b, int p, int end, int proto, int icmp, StringBuilder s) {
        if (proto == icmp) {
            if (p + 8 > end) {
                s.append(": ICMP, truncated");
                return;
            }
            int type = b.get(p) & 0xff;
            int request = icmp == 1 ? 8 : 128;
            int reply = icmp == 1 ? 0 : 129;
            String name = icmp == 1 ? "ICMP" : "ICMP6";
            if (type == request || type == reply) {
                s.append(": ").append(name).append(" echo ").append(type == request ? "request" : "reply")
                        .append(", id ").append(u16(b, p + 4)).append(", seq ").append(u16(b, p + 6));
            } else {
                s.append(": ").append(name).append(" type ").append(type).append(" code ").append(b.get(p + 1) & 0xff);
            }
        } else if (proto == 6 || proto == 17) {
            String name = proto == 6 ? "TCP" : "UDP";
            if (p + 4 > end) {
                s.append(": ").append(name).append(", truncated");
                return;
            }
            s.append(": ").append(name).append(' ').append(u16(b, p)).append(" > ").append(u16(b, p + 2));
        } else {
            s.append(": protocol ").append(proto);
        }
    }

    private static int u16(ByteBuffer b, int at) {
        return ((b.get(at) & 0xff) << 8) | (b.get(at + 1) & 0xff);
    }

    private static String ip4(ByteBuffer b, int at) {
        return (b.get(at) & 0xff) + "." + (b.get(at + 1) & 0xff) + "." + (b.get(at + 2) & 0xff) + "." + (b.get(at + 3) & 0xff);
    }

    private static String ip6(ByteBuffer b, int at) {
        byte[] a = new byte[16];
        for (int i = 0; i < 16; i++) {
            a[i] = b.get(at + i);
        }
        try {
            // Inet6Address's text has no zero compression: compress the longest run of zero groups
            String full = java.net.InetAddress.getByAddress(a).getHostAddress();
            return compress(full);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes are always an address
        }
    }

    static String compress(String full) {
        String[] g = full.split(":");
        int bestAt = -1;
        int bestLen = 1;
        for (int i = 0; i < g.length; ) {
            int j = i;
            while (j < g.length && g[j].equals("0")) {
                j++;
            }
            if (j - i > bestLen) {
                bestAt = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestAt < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(g, 0, bestAt));
        String tail = String.join(":", java.util.Arrays.copyOfRange(g, bestAt + bestLen, g.length));
        return head + "::" + tail;
    }
}
