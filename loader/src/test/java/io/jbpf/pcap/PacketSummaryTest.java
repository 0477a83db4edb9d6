package io.jbpf.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The one-line decodes jbpf dump prints. */
class PacketSummaryTest {
    private static final String ETH = "020000000002" + "020000000001";

    private static String of(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        ByteBuffer buf = ByteBuffer.allocate(b.length + 5);
        buf.put(5, b); // at an offset, as in a perf ring
        return PacketSummary.of(buf, 5, b.length);
    }

    @Test
    void icmpEchoRequestOverIpv4() {
        String ip = "4500005400004000400100000ac901020ac90101";
        String icmp = "0800f7ff" + "1234" + "0007" + "0000000000000000";
        assertThat(of(ETH + "0800" + ip + icmp)).isEqualTo("IP 10.201.1.2 > 10.201.1.1: ICMP echo request, id 4660, seq 7");
    }

    @Test
    void icmp6EchoReplyWithCompressedAddresses() {
        String ip6 = "60000000" + "0010" + "3a" + "40" + "fc00dead cafe0000 00000000 00000001".replace(" ", "")
                + "fc00deadcafe00000000000000000002";
        assertThat(of(ETH + "86dd" + ip6 + "8100" + "0000" + "0001" + "0002"))
                .isEqualTo("IP6 fc00:dead:cafe::1 > fc00:dead:cafe::2: ICMP6 echo reply, id 1, seq 2");
    }

    @Test
    void udpBehindAVlanTag() {
        String ip = "450000200000400040110000c0a80001c0a80002";
        assertThat(of(ETH + "8100" + "0064" + "0800" + ip + "0035" + "1f90" + "000c0000"))
                .isEqualTo("vlan 100, IP 192.168.0.1 > 192.168.0.2: UDP 53 > 8080");
    }

    @Test
    void truncatedAndOtherFrames() {
        assertThat(of(ETH + "0800" + "4500")).isEqualTo("IPv4, truncated");
        assertThat(of(ETH + "0806" + "0001")).isEqualTo("ARP");
        assertThat(of(ETH + "88cc")).isEqualTo("ethertype 0x88cc");
        assertThat(of("0200")).isEqualTo("truncated Ethernet frame");
    }

    @Test
    void ipv6ZeroRunCompression() {
        assertThat(PacketSummary.compress("fe80:0:0:0:1:0:0:2")).isEqualTo("fe80::1:0:0:2");
        assertThat(PacketSummary.compress("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(PacketSummary.compress("1:0:2:0:3:0:4:0")).isEqualTo("1:0:2:0:3:0:4:0");
    }
}
