package io.jbpf;

import static io.jbpf.testing.TestEnv.received;
import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.Background;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TestEnv;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The xdp-tutorial's packet lessons packet01 (parsing) and packet02 (rewriting) walked through
 * testenv.sh with jbpf, on our own programs (bpf-src/tutorial/packet0N-*), each effect seen from
 * outside: ping replies, {@code t stats}, {@code t tcpdump} at the XDP end (it shows what the program
 * passed on, after the rewrite), a UDP listener that gets datagrams sent to another port.
 */
class XdpTutorialPacketIT {
    /**
     * Sends one UDP datagram (payload argv[4]) from argv[1] port 40000 to argv[2] port argv[3] through a
     * raw socket, with the checksum computed here: a UDP socket on veth leaves it to checksum offload
     * (only the pseudo-header sum on the wire), and then no one could tell whether the program kept
     * the checksum right.
     */
    private static final String SEND_UDP = """
            import socket, struct, sys
            src, dst, port, payload = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].encode()
            v6 = ":" in dst
            fam = socket.AF_INET6 if v6 else socket.AF_INET
            udp = struct.pack("!HHHH", 40000, port, 8 + len(payload), 0) + payload
            a, b = socket.inet_pton(fam, src), socket.inet_pton(fam, dst)
            pseudo = a + b + (struct.pack("!I3xB", len(udp), 17) if v6 else struct.pack("!xBH", 17, len(udp)))
            data = pseudo + udp + (b"\\0" if len(udp) % 2 else b"")
            s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
            while s >> 16:
                s = (s & 0xffff) + (s >> 16)
            c = (~s & 0xffff) or 0xffff
            udp = udp[:6] + struct.pack("!H", c) + udp[8:]
            socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_UDP).sendto(udp, (dst, 0))
            """;

    /**
     * Prints each datagram arriving on UDP port argv[1] (IPv4 and IPv6) until argv[2] came, or none
     * for 20 s.
     */
    private static final String LISTEN_UDP = """
            import socket, sys
            s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            s.bind(("::", int(sys.argv[1])))
            s.settimeout(20)
            print("ready", file=sys.stderr, flush=True)
            try:
                for _ in range(int(sys.argv[2])):
                    d, a = s.recvfrom(100)
                    print("got", d.decode(), "from", a[0], flush=True)
            except socket.timeout:
                pass
            """;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    /** packet01: echo requests with an even sequence number are dropped: ping -c 6 gets replies 1, 3, 5. */
    @Test
    void packet01DropsEvenSequenceEchoRequests() {
        Path lesson = TestEnv.lesson("packet01-parsing");
        try (TestEnv env = TestEnv.setupAs("ta", "--legacy-ip")) {
            env.load(lesson, "-F", "--progsec", "xdp_packet_parser");
            for (boolean ipv4 : new boolean[] {false, true}) {
                Sh.Result ping = env.pingOutput(6, ipv4);
                assertThat(received(ping)).as(ping.out()).isEqualTo(3);
                assertThat(ping.out()).contains("icmp_seq=1 ", "icmp_seq=3 ", "icmp_seq=5 ")
                        .doesNotContain("icmp_seq=2 ", "icmp_seq=4 ", "icmp_seq=6 ");
            }
            Sh.Result stats = env.t("stats", "--", "--count", "1", "--interval", "100ms", "--json");
            assertThat(stats.exit()).as(stats.all()).isZero();
            assertThat(stats.out()).as("exactly the 3 + 3 even requests dropped").contains("\"XDP_DROP\":{\"packets\":6,");
        }
    }

    /**
     * packet02 assignment 1: a datagram sent to port 5001 arrives at a listener on 5000, over IPv4
     * and IPv6, with a checksum tcpdump finds right; a TCP SYN to 8081 reaches the stack as one to
     * 8080. Before the program is loaded, a datagram to 5001 does not reach the listener.
     */
    @Test
    void packet02RewritesTheDestinationPortWithAValidChecksum() {
        Path lesson = TestEnv.lesson("packet02-rewriting");
        try (TestEnv env = TestEnv.setupAs("ta", "--legacy-ip")) {
            String peer4 = env.info("IP4_PEER");
            String peer6 = env.info("IP6_PEER");
            String xdp4 = env.info("IP4_XDP");
            String xdp6 = env.info("IP6_XDP");
            Background listener = env.background("ready", "exec-xdp", "python3", "-c", LISTEN_UDP, "5000", "2");
            sendUdp(env, peer4, xdp4, "5001", "before");

            env.load(lesson, "-F", "--progsec", "xdp_port_rewrite");
            Background tcpdump = env.tcpdump("-Q", "in", "-vv", "-c", "3", "udp or tcp");
            sendUdp(env, peer4, xdp4, "5001", "via-ipv4");
            sendUdp(env, peer6, xdp6, "5001", "via-ipv6");
            Sh.Result tcp = env.t("exec", "--", "timeout", "2", "bash", "-c", "exec 3<>/dev/tcp/" + xdp4 + "/8081");
            assertThat(tcp.exit()).as("nothing listens on 8080: refused").isNotZero();

            String seen = tcpdump.output(10);
            assertThat(seen).contains(peer4 + ".40000 > " + xdp4 + ".5000: [udp sum ok] UDP, length 8")
                    .contains(peer6 + ".40000 > " + xdp6 + ".5000: [udp sum ok] UDP, length 8")
                    .containsPattern(xdp4.replace(".", "\\.") + "\\.8080: Flags \\[S\\], cksum 0x[0-9a-f]+ \\((correct|incorrect -> 0x[0-9a-f]+)\\)")
                    .doesNotContain(".5001:").doesNotContain(".8081:");
            String got = listener.output(10);
            assertThat(got).contains("got via-ipv4 from ::ffff:" + peer4, "got via-ipv6 from " + peer6).doesNotContain("before");
        }
    }

    /**
     * packet02 assignment 3: xdp_vlan_push tags untagged frames with VLAN 1 - tcpdump at the XDP end
     * shows the pinged echo requests as 802.1Q VLAN 1 frames. Needs no 802.1Q support in the kernel:
     * the tag is the program's, tcpdump reads it (there is no VLAN 1 interface to take them, so the
     * pings go unanswered).
     */
    @Test
    void packet02VlanPushTagsUntaggedFrames() {
        Path lesson = TestEnv.lesson("packet02-rewriting");
        try (TestEnv env = TestEnv.setupAs("ta", "--legacy-ip")) {
            // ARP first: with the program on, the peer's ARP requests arrive tagged too and go unanswered.
            assertThat(received(env.pingOutput(1, true))).isEqualTo(1);
            env.load(lesson, "-F", "--progsec", "xdp_vlan_push");
            // libpcap's "icmp" matches untagged frames only: a tagged one needs "vlan" in the filter.
            Background tcpdump = env.tcpdump("-Q", "in", "-e", "-c", "3", "vlan and icmp");
            env.pingOutput(3, true);
            List<String> lines = Arrays.stream(tcpdump.output(10).split("\n")).filter(l -> l.contains("ICMP echo request")).toList();
            assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).contains("ethertype 802.1Q (0x8100)", "vlan 1, p 0, ethertype IPv4"));
        }
    }

    /**
     * packet02 assignments 2-3 with {@code t setup --vlan} (the second kernel: this host has no 802.1Q,
     * where setup says so, as XdpTutorialLoaderIT checks): with xdp_vlan_pop, pings over VLAN 1 arrive
     * at the XDP end untagged (tcpdump) and are still answered (the address is the namespace's).
     */
    @Test
    @Tag("vm")
    void packet02VlanPopOverTestenvVlans() throws Exception {
        if (Kernel.config("CONFIG_VLAN_8021Q").equals("n")) {
            String name = "ta" + ProcessHandle.current().pid() % 100000;
            Sh.Result r = Sh.run(TestEnv.script(), "setup", "-n", name, "--vlan");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("this kernel has no 802.1Q VLANs (CONFIG_VLAN_8021Q");
            return;
        }
        Path lesson = TestEnv.lesson("packet02-rewriting");
        try (TestEnv env = TestEnv.setupAs("ta", "--legacy-ip", "--vlan")) {
            // veth offloads VLAN tags by default: the tag travels beside the frame (skb metadata) and
            // XDP never sees it. setup --vlan turns the offload off on both ends, as the xdp-tutorial's
            // testenv and the kernel's test_xdp_vlan.sh do.
            Sh.Result peer = env.t("exec", "--", "ethtool", "-k", "veth0");
            assertThat(peer.out()).as(peer.all()).contains("rx-vlan-offload: off", "tx-vlan-offload: off");
            Sh.Result xdp = env.t("exec-xdp", "--", "ethtool", "-k", env.name);
            assertThat(xdp.out()).as(xdp.all()).contains("rx-vlan-offload: off", "tx-vlan-offload: off");
            // Neighbours resolved over VLAN 1 first: with the tags popped, ARP requests would reach
            // the untagged interface and be answered there, not on the VLAN the peer asks on.
            Sh.Result warm = env.t("ping", "--legacy-ip", "--vlan", "1", "-c", "1");
            assertThat(warm.exit()).as(warm.all()).isZero();

            env.load(lesson, "-F", "--progsec", "xdp_vlan_pop");
            Background pop = env.tcpdump("-Q", "in", "-e", "-c", "3", "icmp");
            Sh.Result overVlan = env.t("ping", "--legacy-ip", "--vlan", "1", "-c", "3");
            assertThat(received(overVlan)).as("answered over VLAN 1: " + overVlan.out()).isEqualTo(3);
            assertThat(requests(pop.output(10))).hasSize(3).allSatisfy(l -> assertThat(l).doesNotContain("vlan").contains("ethertype IPv4"));
        }
    }

    /**
     * packet02 assignments 2-3, xdp_vlan_swap, on the host: a frame tagged VLAN 2 (sent raw from the
     * peer: this host has no 802.1Q interfaces) arrives at the XDP end untagged, an untagged one
     * arrives tagged VLAN 1.
     */
    @Test
    void packet02VlanSwapPopsTaggedAndTagsUntaggedFrames() {
        Path lesson = TestEnv.lesson("packet02-rewriting");
        try (TestEnv env = TestEnv.setupAs("ta", "--legacy-ip")) {
            String peer4 = env.info("IP4_PEER");
            String xdp4 = env.info("IP4_XDP");
            String mac = xdpMac(env);
            env.load(lesson, "-F", "--progsec", "xdp_vlan_swap");
            Background tcpdump = env.tcpdump("-Q", "in", "-e", "-c", "2", "udp or (vlan and udp)");
            Sh.Result tagged = env.t("exec", "--", "python3", "-c", SEND_FRAME, "veth0", mac, "2", peer4, xdp4, "31000");
            assertThat(tagged.exit()).as(tagged.all()).isZero();
            Sh.Result untagged = env.t("exec", "--", "python3", "-c", SEND_FRAME, "veth0", mac, "0", peer4, xdp4, "31001");
            assertThat(untagged.exit()).as(untagged.all()).isZero();
            List<String> seen = Arrays.stream(tcpdump.output(10).split("\n")).filter(l -> l.contains(" UDP")).toList();
            assertThat(seen).hasSize(2);
            assertThat(seen.get(0)).contains(xdp4 + ".31000:", "ethertype IPv4").doesNotContain("vlan");
            assertThat(seen.get(1)).contains(xdp4 + ".31001:", "ethertype 802.1Q (0x8100)", "vlan 1, p 0, ethertype IPv4");
        }
    }

    /**
     * Sends one Ethernet frame out of argv[1] to MAC argv[2], tagged with VLAN argv[3] (0: untagged),
     * holding a UDP datagram (no checksum) from argv[4] port 40000 to argv[5] port argv[6]: a packet
     * socket sends the bytes as they are, the tag inside the frame where XDP sees it.
     */
    private static final String SEND_FRAME = """
            import socket, struct, sys
            dev, dst, vid, src4, dst4, port = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6])
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind((dev, 0))
            src = s.getsockname()[4]
            payload = b"jbpf"
            udp = struct.pack("!HHHH", 40000, port, 8 + len(payload), 0) + payload
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                             socket.inet_aton(src4), socket.inet_aton(dst4))
            w = sum(struct.unpack("!10H", ip))
            while w >> 16:
                w = (w & 0xffff) + (w >> 16)
            ip = ip[:10] + struct.pack("!H", ~w & 0xffff) + ip[12:]
            tag = struct.pack("!HH", 0x8100, vid) if vid else b""
            s.send(bytes.fromhex(dst.replace(":", "")) + src + tag + struct.pack("!H", 0x0800) + ip + udp)
            """;

    private static String xdpMac(TestEnv env) {
        Sh.Result r = Sh.run("ip", "-n", env.name + "-xdp", "-br", "link", "show", "dev", env.name);
        assertThat(r.exit()).as(r.all()).isZero();
        return r.out().trim().split("\\s+")[2];
    }

    private static List<String> requests(String tcpdump) {
        return Arrays.stream(tcpdump.split("\n")).filter(l -> l.contains("ICMP echo request")).toList();
    }

    private static void sendUdp(TestEnv env, String from, String to, String port, String payload) {
        Sh.Result r = env.t("exec", "--", "python3", "-c", SEND_UDP, from, to, port, payload);
        assertThat(r.exit()).as(r.all()).isZero();
    }
}
