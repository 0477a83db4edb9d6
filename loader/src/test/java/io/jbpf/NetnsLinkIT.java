package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.link.NetnsLink;
import io.jbpf.link.Sockets;
import io.jbpf.testing.Fds;
import io.jbpf.testing.JskNet;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.NetNs;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.LinkType;
import io.jbpf.uapi.UpdateFlags;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Network-namespace links in throw-away namespaces: an sk_lookup program steers connections to a
 * port nobody listens on to a listening socket, and a flow dissector program dissects (and counts)
 * exactly the pings the namespace receives while RPS makes the kernel dissect every packet.
 */
class NetnsLinkIT {
    private static final int STEERED_PORT = 7777;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    /** Connects to 127.0.0.1:STEERED_PORT from namespace {@code ns}; the local port of the accepted end, or -1 if refused. */
    private static int connectSteered(String ns, ServerSocketChannel server) {
        return NetNs.call(ns, () -> {
            try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", STEERED_PORT));
                 SocketChannel accepted = server.accept()) {
                return ((InetSocketAddress) accepted.getLocalAddress()).getPort();
            } catch (ConnectException e) {
                return -1;
            }
        });
    }

    @Test
    void skLookupSteersConnectionsToTheListener() throws Exception {
        int before = Fds.count();
        try (JskNet net = JskNet.create(); BpfObject obj = BpfObject.load(Objects.path("hooks/sock_sk_lookup.o"))) {
            ServerSocketChannel server = NetNs.call(net.a,
                    () -> ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)));
            try (server) {
                obj.map("sk_map").update(le32(0), le64(Sockets.fd(server)), UpdateFlags.ANY);
                obj.variable("steer_port").setLong(STEERED_PORT);
                assertThat(connectSteered(net.a, server)).as("nothing listens on the port before").isEqualTo(-1);
                BpfProgram prog = obj.program("lookup_steer");
                try (NetnsLink link = NetnsLink.attach(prog, JskNet.path(net.a))) {
                    assertThat(link.attachType()).isEqualTo(AttachType.SK_LOOKUP);
                    assertThat(link.info().type()).isEqualTo(LinkType.NETNS);
                    assertThat(link.info().progId()).isEqualTo(prog.id());
                    String ino = Sh.run("stat", "-L", "-c", "%i", JskNet.path(net.a).toString()).out().trim();
                    assertThat(link.netnsInode()).as("the link is on " + net.a).isEqualTo(Long.parseLong(ino));
                    Sh.Result bt = Sh.run("bpftool", "link", "show", "id", String.valueOf(link.id()), "-j");
                    assertThat(bt.out()).as(bt.all()).contains("\"netns_ino\":" + ino).contains("\"attach_type\":\"sk_lookup\"");

                    assertThat(connectSteered(net.a, server)).as("accepted by the listener, as port " + STEERED_PORT)
                            .isEqualTo(STEERED_PORT);
                    assertThat(obj.variable("steered").getLong()).isEqualTo(1);
                    link.update(prog);
                    assertThat(connectSteered(net.a, server)).isEqualTo(STEERED_PORT);
                    assertThat(obj.variable("steered").getLong()).isEqualTo(2);
                }
                assertThat(connectSteered(net.a, server)).as("refused again after close").isEqualTo(-1);
                assertThat(obj.variable("steered").getLong()).isEqualTo(2);
            }
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void flowDissectorDissectsTheNamespacesPackets() {
        int before = Fds.count();
        try (JskNet net = JskNet.create(); BpfObject obj = BpfObject.load(Objects.path("hooks/sock_flow_dissector.o"))) {
            // RPS hashes every received packet, which runs the flow dissector. ip netns exec mounts
            // the namespace's own /sys, where its devices are.
            Sh.Result rps = Sh.run("ip", "netns", "exec", net.b, "sh", "-c",
                    "echo 1 > /sys/class/net/vb/queues/rx-0/rps_cpus");
            assertThat(rps.exit()).as(rps.all()).isZero();
            assertThat(JskNet.ping(net.a, JskNet.B_IP, 1)).isEqualTo(1);
            BpfProgram prog = obj.program("dissect_count");
            try (NetnsLink link = NetnsLink.attach(prog, JskNet.path(net.b))) {
                assertThat(link.attachType()).isEqualTo(AttachType.FLOW_DISSECTOR);
                assertThat(JskNet.ping(net.a, JskNet.B_IP, 3)).as("dissected packets still pass").isEqualTo(3);
                assertThat(obj.variable("icmp_seen").getLong()).as("one dissection per echo request received")
                        .isEqualTo(3);
                assertThatThrownBy(() -> NetnsLink.attach(prog, JskNet.path(net.b))).isInstanceOf(BpfException.class)
                        .hasMessageContaining("has a flow dissector already");
            }
            assertThat(JskNet.ping(net.a, JskNet.B_IP, 2)).isEqualTo(2);
            assertThat(obj.variable("icmp_seen").getLong()).as("no dissection by the program after close").isEqualTo(3);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void refusesOtherProgramTypesAndFilesThatAreNoNamespace() {
        try (BpfObject xdp = BpfObject.load(Objects.path("xdp_pass.o"));
             BpfObject obj = BpfObject.load(Objects.path("hooks/sock_flow_dissector.o"))) {
            assertThatThrownBy(() -> NetnsLink.attach(xdp.program("xdp_pass_func"), java.nio.file.Path.of("/proc/self/ns/net")))
                    .isInstanceOf(BpfException.class).hasMessageContaining("BPF_PROG_TYPE_FLOW_DISSECTOR");
            assertThatThrownBy(() -> NetnsLink.attach(obj.program("dissect_count"), java.nio.file.Path.of("/run/netns/jsk-none")))
                    .isInstanceOf(BpfException.class).hasMessageContaining("cannot open");
            assertThatThrownBy(() -> NetnsLink.attach(obj.program("dissect_count"), java.nio.file.Path.of("/proc/self/ns/mnt")))
                    .isInstanceOf(BpfException.class).hasMessageContaining("not a network namespace");
        }
    }
}
