package io.jbpf.xsk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.link.XdpMode;
import io.jbpf.testing.CliRun;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.NetNs;
import io.jbpf.testing.Sh;
import io.jbpf.uapi.Errno;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AF_XDP sockets on a veth pair in two network namespaces ({@code xk<N>} holds the XDP end,
 * {@code xk<N>p} the sender): jbpf's redirect program attached natively, a socket in copy mode
 * on queue 0, UDP datagrams sent from the peer namespace with a Java socket. IPv6 is off on both
 * ends and the peer has a static neighbour entry, so no ND or ARP traffic reaches the socket.
 */
class XskSocketIT {
    private static final int PORT = 9099;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private String ns;
    private String peerNs;
    private String dev;
    private String addr;
    private String peerAddr;
    private String peerDev;

    @BeforeEach
    void setUp() {
        Kernel.require();
        int n = ThreadLocalRandom.current().nextInt(10000, 99999);
        ns = "xk" + n;
        peerNs = "xk" + n + "p";
        dev = "xk" + n;
        String peerDev = "xk" + n + "p";
        addr = "10.201." + (n % 250) + ".1";
        String peerAddr = "10.201." + (n % 250) + ".2";
        sh("ip", "netns", "add", ns);
        sh("ip", "netns", "add", peerNs);
        for (String s : List.of(ns, peerNs)) {
            sh("ip", "netns", "exec", s, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
            sh("ip", "netns", "exec", s, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
        }
        this.peerAddr = peerAddr;
        this.peerDev = peerDev;
        pair(dev, peerDev, addr, peerAddr);
        int tries = 0;
        while (ping(1) != 1) {
            assertThat(++tries).as("the pair answers pings before any program is attached").isLessThan(10);
        }
    }

    /**
     * A veth pair {@code a} (in ns, address {@code aAddr}/25) and {@code b} (in the peer ns), up,
     * with a static neighbour entry for {@code a} in the peer.
     */
    private void pair(String a, String b, String aAddr, String bAddr) {
        sh("ip", "link", "add", a, "netns", ns, "type", "veth", "peer", "name", b, "netns", peerNs);
        sh("ip", "-n", ns, "addr", "add", aAddr + "/25", "dev", a);
        sh("ip", "-n", peerNs, "addr", "add", bAddr + "/25", "dev", b);
        sh("ip", "-n", ns, "link", "set", a, "up");
        sh("ip", "-n", peerNs, "link", "set", b, "up");
        sh("ip", "-n", peerNs, "neigh", "replace", aAddr, "lladdr", mac(ns, a), "dev", b, "nud", "permanent");
    }

    private static String mac(String netns, String device) {
        return sh("ip", "-n", netns, "-br", "link", "show", device).out().trim().split("\\s+")[2];
    }

    @AfterEach
    void tearDown() {
        Sh.run("ip", "netns", "del", ns);
        Sh.run("ip", "netns", "del", peerNs);
    }

    private static Sh.Result sh(String... cmd) {
        Sh.Result r = Sh.run(cmd);
        assertThat(r.exit()).as("%s: %s", String.join(" ", cmd), r.all()).isZero();
        return r;
    }

    private int ping(int count) {
        Sh.Result r = Sh.run("ip", "netns", "exec", peerNs, "ping", "-n", "-q", "-c", String.valueOf(count), "-i", "0.2",
                "-W", "1", addr);
        var m = java.util.regex.Pattern.compile("(\\d+) (packets )?received").matcher(r.out());
        assertThat(m.find()).as("ping output: %s", r.all()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** Sends datagrams "xsk <first>" .. "xsk <first+count-1>" to the XDP end, from the peer namespace. */
    private void send(int first, int count) {
        send(addr, first, count);
    }

    private void send(String addr, int first, int count) {
        NetNs.call(peerNs, () -> {
            try (DatagramSocket s = new DatagramSocket()) {
                InetAddress to = InetAddress.getByName(addr);
                for (int i = first; i < first + count; i++) {
                    byte[] b = ("xsk " + i).getBytes(StandardCharsets.US_ASCII);
                    s.send(new DatagramPacket(b, b.length, to, PORT));
                }
            }
            return null;
        });
    }

    /** Counts the test's datagrams by sequence number (Ethernet, IPv4, UDP to PORT, "xsk N"), allocating nothing. */
    private static final class Counter implements PacketHandler {
        final int[] seen;
        int frames;
        int ours;
        int malformed;

        Counter(int capacity) {
            seen = new int[capacity];
        }

        @Override
        public void onPacket(ByteBuffer b, int off, int len) {
            frames++;
            if (len < 14 + 20 + 8 || (b.get(off + 12) & 0xff) != 0x08 || b.get(off + 13) != 0 || b.get(off + 23) != 17) {
                return;
            }
            int ip = off + 14;
            int udp = ip + (b.get(ip) & 0x0f) * 4;
            if ((((b.get(udp + 2) & 0xff) << 8) | (b.get(udp + 3) & 0xff)) != PORT) {
                return;
            }
            int payload = udp + 8;
            int end = off + len;
            if (end - payload < 5 || b.get(payload) != 'x' || b.get(payload + 1) != 's' || b.get(payload + 2) != 'k'
                    || b.get(payload + 3) != ' ') {
                malformed++;
                return;
            }
            int seq = 0;
            for (int i = payload + 4; i < end; i++) {
                seq = seq * 10 + (b.get(i) - '0');
            }
            ours++;
            if (seq >= 0 && seq < seen.length) {
                seen[seq]++;
            } else {
                malformed++;
            }
        }
    }

    /** Receives until {@code counter} has {@code ours} of the test's datagrams or 10 s pass. */
    private static void receive(XskSocket s, Counter counter, int ours) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (counter.ours < ours && System.nanoTime() < deadline) {
            if (s.receive(64, counter) == 0) {
                s.poll(100);
            }
        }
    }

    private static long socketMappings() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("socket:[")).count();
    }

    private static boolean mapped(long address) throws IOException {
        String prefix = Long.toHexString(address) + "-";
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(l -> l.startsWith(prefix));
    }

    @Test
    void rxdropCountsExactlyTheDatagramsSentAndAllocatesNothingPerPacket() throws Exception {
        int fdsBefore = Fds.count();
        long ringMappingsBefore = socketMappings();
        Umem umem = Umem.allocate(4096, FrameSize.SIZE_2048, 0);
        long umemAddress = umem.address();
        XskRedirect redirect = NetNs.call(ns, () -> XskRedirect.attach(dev, XdpMode.NATIVE));
        XskSocket s = NetNs.call(ns, () -> XskSocket.open(umem, dev, 0, XskOptions.defaults()
                .withXskMap(redirect.map())));
        try {
            assertThat(socketMappings() - ringMappingsBefore).as("the four rings are mapped").isEqualTo(4);
            assertThat(s.refill()).isEqualTo(2048);
            assertThat(umem.freeFrames()).isEqualTo(2048);
            int n = 500;
            Counter c = new Counter(20_000);
            send(0, n);
            receive(s, c, n);
            assertThat(c.ours).as("datagrams received").isEqualTo(n);
            assertThat(c.frames).as("frames received (nothing else is on the wire)").isEqualTo(n);
            assertThat(c.malformed).isZero();
            for (int i = 0; i < n; i++) {
                assertThat(c.seen[i]).as("datagram %d", i).isEqualTo(1);
            }
            assertThat(ping(2)).as("the kernel stack sees nothing: everything goes to the socket").isZero();
            // Frames went back to the fill ring: the UMEM's free stack is untouched.
            assertThat(umem.freeFrames()).isEqualTo(2048);

            // 0 B per packet in the receive loop, measured on this thread while the peer sends:
            // rounds of M packets until one allocates nothing (the first may still run code
            // paths for the first time: class initialisation and linkage allocate once).
            int m = 2000;
            long tid = Thread.currentThread().getId();
            long allocated = -1;
            int sent = n;
            for (int round = 0; round < 5 && allocated != 0; round++) {
                int first = sent;
                Thread sender = new Thread(() -> send(first, m));
                sender.start(); // starting a thread allocates: not counted
                long before = THREADS.getThreadAllocatedBytes(tid);
                receive(s, c, sent + m);
                allocated = THREADS.getThreadAllocatedBytes(tid) - before;
                sender.join();
                sent += m;
                assertThat(c.ours).as("datagrams received").isEqualTo(sent);
            }
            assertThat(allocated).as("bytes allocated receiving %d packets", m).isZero();
            XskStatistics st = s.statistics();
            assertThat(st.rxDropped()).isZero();
            assertThat(st.rxInvalidDescs()).isZero();
        } finally {
            s.close();
            redirect.close();
            umem.close();
        }
        assertThat(socketMappings()).as("rings unmapped").isEqualTo(ringMappingsBefore);
        assertThat(mapped(umemAddress)).as("UMEM unmapped").isFalse();
        assertThat(Fds.count()).as("fds").isEqualTo(fdsBefore);
        assertThat(ping(1)).as("with the program gone the stack answers again").isEqualTo(1);
    }

    @Test
    void closingUnderTrafficRemovesTheSocketFromTheMapAndFreesEverything() throws Exception {
        int fdsBefore = Fds.count();
        long ringMappingsBefore = socketMappings();
        try (XskRedirect redirect = NetNs.call(ns, () -> XskRedirect.attach(dev, XdpMode.NATIVE))) {
            Umem umem = Umem.allocate(1024, FrameSize.SIZE_4096, 0);
            long umemAddress = umem.address();
            XskSocket s = NetNs.call(ns, () -> XskSocket.open(umem, dev, 0, XskOptions.defaults().withRingSizes(512)
                    .withXskMap(redirect.map())));
            AtomicBoolean stop = new AtomicBoolean();
            Thread sender = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    send(i % 1000, 50);
                }
            });
            try {
                s.refill();
                sender.start();
                Counter c = new Counter(1000);
                receive(s, c, 200);
                assertThat(c.ours).as("traffic arrives").isGreaterThanOrEqualTo(200);
                s.close();
                umem.close();
                assertThat(socketMappings()).as("rings unmapped under traffic").isEqualTo(ringMappingsBefore);
                assertThat(mapped(umemAddress)).as("UMEM unmapped").isFalse();
                assertThatThrownBy(() -> s.rx().peek(1)).hasMessageContaining("closed");
                // The map no longer sends queue 0 anywhere: bpf_redirect_map falls back to XDP_PASS.
                assertThat(ping(2)).as("pings answered by the stack again, the program still attached").isEqualTo(2);
                assertThat(redirect.link().progId()).isPositive();
            } finally {
                stop.set(true);
                sender.join();
                s.close();
                umem.close();
            }
        }
        assertThat(Fds.count()).as("fds").isEqualTo(fdsBefore);
    }

    @Test
    void zeroCopyOnVethIsAClearError() throws Exception {
        int fdsBefore = Fds.count();
        long ringMappingsBefore = socketMappings();
        try (Umem umem = Umem.allocate(256, FrameSize.SIZE_4096, 0);
             XskRedirect redirect = NetNs.call(ns, () -> XskRedirect.attach(dev, XdpMode.NATIVE))) {
            assertThatThrownBy(() -> NetNs.call(ns, () -> XskSocket.open(umem, dev, 0, XskOptions.defaults()
                    .withRingSizes(256).withBindFlags(EnumSet.of(BindFlag.ZERO_COPY)).withXskMap(redirect.map()))))
                    .isInstanceOf(BpfException.class)
                    .hasMessageContaining(dev + " queue 0")
                    .hasMessageContaining("bind")
                    .hasMessageContaining("zero-copy")
                    .hasMessageContaining("BindFlag.COPY")
                    .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.EOPNOTSUPP));
            // The failed socket left nothing behind, and a copy-mode socket still works on the queue.
            assertThat(socketMappings()).isEqualTo(ringMappingsBefore);
            try (XskSocket s = NetNs.call(ns, () -> XskSocket.open(umem, dev, 0, XskOptions.defaults().withRingSizes(256)
                    .withXskMap(redirect.map())))) {
                s.refill();
                Counter c = new Counter(100);
                send(0, 10);
                receive(s, c, 10);
                assertThat(c.ours).isEqualTo(10);
            }
        }
        assertThat(Fds.count()).as("fds").isEqualTo(fdsBefore);
    }

    @Test
    void twoSocketsOnTwoDevicesShareOneUmem() throws Exception {
        String dev2 = dev + "b";
        String addr2 = addr.substring(0, addr.lastIndexOf('.')) + ".129";
        pair(dev2, dev + "c", addr2, addr.substring(0, addr.lastIndexOf('.')) + ".130");
        int fdsBefore = Fds.count();
        try (Umem umem = Umem.allocate(2048, FrameSize.SIZE_2048, 0);
             XskRedirect r1 = NetNs.call(ns, () -> XskRedirect.attach(dev, XdpMode.NATIVE));
             XskRedirect r2 = NetNs.call(ns, () -> XskRedirect.attach(dev2, XdpMode.NATIVE));
             XskSocket s1 = NetNs.call(ns, () -> XskSocket.open(umem, dev, 0, XskOptions.defaults().withRingSizes(1024)
                     .withXskMap(r1.map())));
             XskSocket s2 = NetNs.call(ns, () -> XskSocket.open(umem, dev2, 0, XskOptions.defaults().withRingSizes(1024)
                     .withXskMap(r2.map())))) {
            assertThat(s2.fill()).as("another device: a fill ring of its own").isNotSameAs(s1.fill());
            assertThat(s1.refill() + s2.refill()).isEqualTo(2048);
            assertThat(umem.freeFrames()).isZero();
            Counter c1 = new Counter(1000);
            Counter c2 = new Counter(1000);
            send(addr, 0, 300);
            send(addr2, 0, 200);
            receive(s1, c1, 300);
            receive(s2, c2, 200);
            assertThat(c1.ours).as("on %s", dev).isEqualTo(300);
            assertThat(c2.ours).as("on %s", dev2).isEqualTo(200);
            assertThat(c1.frames + c2.frames).isEqualTo(500);
            assertThatThrownBy(s1::close).as("the UMEM's registering socket outlives its sharers")
                    .hasMessageContaining("close them first");
        }
        assertThat(Fds.count()).as("fds").isEqualTo(fdsBefore);
    }

    @Test
    void transmitsThroughTheTxRingAndGetsTheFrameBackOnCompletion() throws Exception {
        String peerMac = mac(peerNs, peerDev);
        String ownMac = mac(ns, dev);
        try (Umem umem = Umem.allocate(512, FrameSize.SIZE_2048, 0);
             XskRedirect redirect = NetNs.call(ns, () -> XskRedirect.attach(dev, XdpMode.NATIVE));
             XskSocket s = NetNs.call(ns, () -> XskSocket.open(umem, dev, 0, XskOptions.defaults().withRingSizes(256)
                     .withXskMap(redirect.map())));
             DatagramSocket receiver = NetNs.call(peerNs, () -> new DatagramSocket(PORT, InetAddress.getByName(peerAddr)))) {
            receiver.setSoTimeout(3000);
            int count = 20;
            long[] frames = new long[count];
            ByteBuffer b = umem.buffer();
            for (int i = 0; i < count; i++) {
                frames[i] = umem.allocateFrame();
                byte[] p = Packets.udp(ownMac, peerMac, addr, peerAddr, 4000, PORT, ("tx " + i).getBytes(StandardCharsets.US_ASCII));
                b.put((int) frames[i], p);
                assertThat(s.tx().reserve(1)).isEqualTo(1);
                s.tx().descriptor(0, frames[i], p.length);
                s.tx().submit(1);
            }
            s.wakeupTx();
            for (int i = 0; i < count; i++) {
                DatagramPacket got = new DatagramPacket(new byte[64], 64);
                receiver.receive(got);
                assertThat(new String(got.getData(), 0, got.getLength(), StandardCharsets.US_ASCII)).isEqualTo("tx " + i);
            }
            int done = 0;
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (done < count && System.nanoTime() < deadline) {
                int n = s.completion().peek(count);
                for (int i = 0; i < n; i++) {
                    assertThat(s.completion().address(i)).isEqualTo(frames[done + i]);
                    umem.freeFrame(s.completion().address(i));
                }
                s.completion().release(n);
                done += n;
                if (n == 0) {
                    s.wakeupTx();
                    Thread.sleep(10);
                }
            }
            assertThat(done).as("frames completed").isEqualTo(count);
            assertThat(umem.freeFrames()).isEqualTo(512);
        }
    }

    /** Ethernet + IPv4 + UDP frames, built by hand. */
    private static final class Packets {
        static byte[] udp(String srcMac, String dstMac, String src, String dst, int sport, int dport, byte[] payload) {
            ByteBuffer p = ByteBuffer.allocate(14 + 20 + 8 + payload.length);
            p.put(mac(dstMac)).put(mac(srcMac)).putShort((short) 0x0800);
            int ip = p.position();
            p.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + payload.length)).putShort((short) 0)
                    .putShort((short) 0x4000).put((byte) 64).put((byte) 17).putShort((short) 0)
                    .put(ip4(src)).put(ip4(dst));
            int sum = 0;
            for (int i = ip; i < ip + 20; i += 2) {
                sum += p.getShort(i) & 0xffff;
            }
            sum = (sum & 0xffff) + (sum >>> 16);
            sum = (sum & 0xffff) + (sum >>> 16);
            p.putShort(ip + 10, (short) ~sum);
            p.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload.length)).putShort((short) 0);
            p.put(payload);
            return p.array();
        }

        private static byte[] mac(String s) {
            String[] parts = s.split(":");
            byte[] b = new byte[6];
            for (int i = 0; i < 6; i++) {
                b[i] = (byte) Integer.parseInt(parts[i], 16);
            }
            return b;
        }

        private static byte[] ip4(String s) {
            String[] parts = s.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                b[i] = (byte) Integer.parseInt(parts[i]);
            }
            return b;
        }
    }

    @Test
    void xdpsockRxdropCountsThePacketsAndLeavesNothingBehind() throws Exception {
        int fdsBefore = Fds.count();
        java.util.concurrent.atomic.AtomicReference<CliRun> run = new java.util.concurrent.atomic.AtomicReference<>();
        Thread cli = new Thread(() -> run.set(CliRun.in(ns, "xdpsock", "--dev", dev, "--rxdrop", "--copy",
                "--interval", "500ms", "--duration", "3s")));
        cli.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!Sh.run("ip", "-n", ns, "link", "show", dev).out().contains("xdp") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(200); // the socket is opened right after the program is attached
        send(0, 1000);
        cli.join();
        CliRun r = run.get();
        assertThat(r.exit()).as("%s%s", r.out(), r.err()).isZero();
        assertThat(r.out()).contains(" sock0@" + dev + ":0 rxdrop xdp-drv copy").contains("pps").contains("\nrx ")
                .contains(" 1000 packets received");
        assertThat(Sh.run("ip", "-n", ns, "link", "show", dev).out()).as("program detached").doesNotContain("xdp");
        assertThat(ping(1)).isEqualTo(1);
        assertThat(Fds.count()).as("fds").isEqualTo(fdsBefore);
        assertThat(socketMappings()).isZero();
    }

    @Test
    void xdpsockEchoAnswersIpv4AndIpv6PingsFromUserSpace() throws Exception {
        // A pair of its own with IPv6 on (setUp turns it off for the exact counts); the kernel's
        // echo replies are off in the XDP end's namespace, so only the socket can answer.
        String e = dev + "e";
        String f = dev + "f";
        String net = addr.substring(0, addr.lastIndexOf('.'));
        String v6 = "fc00:dead:cafe::" + Integer.toHexString(Integer.parseInt(ns.substring(2)) & 0xffff) + ":";
        sh("ip", "link", "add", e, "netns", ns, "type", "veth", "peer", "name", f, "netns", peerNs);
        sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf." + e + ".disable_ipv6=0",
                "net.ipv4.icmp_echo_ignore_all=1", "net.ipv6.icmp.echo_ignore_all=1");
        sh("ip", "netns", "exec", peerNs, "sysctl", "-qw", "net.ipv6.conf." + f + ".disable_ipv6=0");
        sh("ip", "-n", ns, "addr", "add", net + ".129/25", "dev", e);
        sh("ip", "-n", peerNs, "addr", "add", net + ".130/25", "dev", f);
        sh("ip", "-n", ns, "addr", "add", v6 + "1/112", "dev", e, "nodad");
        sh("ip", "-n", peerNs, "addr", "add", v6 + "2/112", "dev", f, "nodad");
        sh("ip", "-n", ns, "link", "set", e, "up");
        sh("ip", "-n", peerNs, "link", "set", f, "up");
        sh("ip", "-n", peerNs, "neigh", "replace", net + ".129", "lladdr", mac(ns, e), "dev", f, "nud", "permanent");
        sh("ip", "-n", peerNs, "-6", "neigh", "replace", v6 + "1", "lladdr", mac(ns, e), "dev", f, "nud", "permanent");
        assertThat(pings(net + ".129", 2)).as("the kernel does not answer").isZero();
        int fdsBefore = Fds.count();
        java.util.concurrent.atomic.AtomicReference<CliRun> run = new java.util.concurrent.atomic.AtomicReference<>();
        Thread cli = new Thread(() -> run.set(CliRun.in(ns, "xdpsock", "--dev", e, "--echo", "--copy",
                "--duration", "5s")));
        cli.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!Sh.run("ip", "-n", ns, "link", "show", e).out().contains("xdp") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        int v4 = pings(net + ".129", 10);
        int v6replies = pings(v6 + "1", 10);
        cli.join();
        CliRun r = run.get();
        assertThat(r.exit()).as("%s%s", r.out(), r.err()).isZero();
        assertThat(v4).as("IPv4 replies").isEqualTo(10);
        assertThat(v6replies).as("IPv6 replies").isEqualTo(10);
        assertThat(r.out()).contains("echo xdp-drv copy").contains("20 echo replies sent");
        assertThat(Sh.run("ip", "-n", ns, "link", "show", e).out()).as("program detached").doesNotContain("xdp");
        assertThat(pings(net + ".129", 2)).as("nothing answers after it exits").isZero();
        assertThat(pings(v6 + "1", 2)).isZero();
        assertThat(Fds.count()).as("fds").isEqualTo(fdsBefore);
        assertThat(socketMappings()).isZero();
    }

    private int pings(String to, int count) {
        Sh.Result r = Sh.run("ip", "netns", "exec", peerNs, "ping", "-n", "-q", "-c", String.valueOf(count), "-i", "0.1",
                "-W", "1", to);
        var m = java.util.regex.Pattern.compile("(\\d+) (packets )?received").matcher(r.out());
        assertThat(m.find()).as("ping output: %s", r.all()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void xdpsockUsageErrors() {
        assertThat(CliRun.of("xdpsock", "--dev", dev).err()).contains("--rxdrop").contains("--echo");
        assertThat(CliRun.of("xdpsock", "--dev", dev, "--rxdrop", "--echo").exit()).isEqualTo(2);
        assertThat(CliRun.of("xdpsock", "--dev", dev, "--rxdrop", "--copy", "--zero-copy").exit()).isEqualTo(2);
        CliRun zc = CliRun.in(ns, "xdpsock", "--dev", dev, "--rxdrop", "--zero-copy", "--duration", "1s");
        assertThat(zc.exit()).isEqualTo(1);
        assertThat(zc.err()).contains("zero-copy").contains("BindFlag.COPY");
        assertThat(Sh.run("ip", "-n", ns, "link", "show", dev).out()).as("program detached").doesNotContain("xdp");
    }

    @Test
    void badDeviceAndQueueNameWhatFailed() {
        try (Umem umem = Umem.allocate(64, FrameSize.SIZE_4096, 0)) {
            assertThatThrownBy(() -> NetNs.call(ns, () -> XskSocket.open(umem, "xknothere", 0, XskOptions.defaults())))
                    .hasMessageContaining("xknothere").hasMessageContaining("no device");
            assertThatThrownBy(() -> NetNs.call(ns, () -> XskSocket.open(umem, dev, 7, XskOptions.defaults()
                    .withRingSizes(64))))
                    .isInstanceOf(BpfException.class)
                    .hasMessageContaining(dev + " queue 7").hasMessageContaining("bind");
        }
    }
}
