package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.link.SockmapAttachment;
import io.jbpf.link.Sockets;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.uapi.LinkType;
import io.jbpf.uapi.UpdateFlags;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * hooks/sock_msg_redirect.o on a sockmap through sockmap links: what one local TCP socket sends
 * arrives on another socket of the map, not at its peer; an sk_skb stream verdict sees what a
 * mapped socket receives.
 */
class SockmapIT {
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

    /** Whatever {@code c} can read within {@code millis}, as text. */
    private static String read(SocketChannel c, long millis) throws Exception {
        c.configureBlocking(false);
        ByteBuffer buf = ByteBuffer.allocate(256);
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (c.read(buf) > 0) {
                Thread.sleep(50); // the rest of a message that came in pieces
                c.read(buf);
                break;
            }
            Thread.sleep(5);
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    }

    /** Two connected pairs through one listener on loopback: c1-a1 and c2-a2. */
    private record Pairs(SocketChannel c1, SocketChannel a1, SocketChannel c2, SocketChannel a2) implements AutoCloseable {
        static Pairs open(ServerSocketChannel server) throws IOException {
            SocketChannel c1 = SocketChannel.open(server.getLocalAddress());
            SocketChannel a1 = server.accept();
            SocketChannel c2 = SocketChannel.open(server.getLocalAddress());
            SocketChannel a2 = server.accept();
            return new Pairs(c1, a1, c2, a2);
        }

        @Override
        public void close() throws IOException {
            for (SocketChannel c : new SocketChannel[] {c1, a1, c2, a2}) {
                c.close();
            }
        }
    }

    @Test
    void skMsgRedirectsWhatSocketOneSendsToSocketTwo() throws Exception {
        int before = Fds.count();
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/sock_msg_redirect.o"));
             ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             Pairs p = Pairs.open(server)) {
            BpfMap map = obj.map("sock_map");
            BpfProgram redirect = obj.program("msg_redirect");
            try (SockmapAttachment link = SockmapAttachment.attach(redirect, map)) {
                assertThat(link.hook()).isEqualTo(SockmapAttachment.Hook.MSG_VERDICT);
                assertThat(link.mapId()).isEqualTo(map.id());
                assertThat(link.info().type()).isEqualTo(LinkType.SOCKMAP);
                assertThat(link.info().progId()).isEqualTo(redirect.id());
                Sh.Result bt = Sh.run("bpftool", "link", "show", "id", String.valueOf(link.id()), "-j");
                assertThat(bt.out()).as(bt.all()).contains("\"prog_id\":" + redirect.id());
                // A socket takes the map's programs when it is added: attach first, then add.
                map.update(le32(0), le64(Sockets.fd(p.c1())), UpdateFlags.ANY);
                map.update(le32(1), le64(Sockets.fd(p.c2())), UpdateFlags.ANY);

                p.c1().write(ByteBuffer.wrap("over the map".getBytes(StandardCharsets.UTF_8)));
                assertThat(read(p.c2(), 2000)).as("socket 2 receives what socket 1 sent").isEqualTo("over the map");
                assertThat(read(p.a1(), 300)).as("socket 1's real peer gets nothing").isEmpty();
                assertThat(obj.variable("redirected").getLong()).isEqualTo(1);
            }
            // Once the link is gone, a socket added again gets no program: data flows to the real peer.
            map.delete(le32(0));
            map.update(le32(0), le64(Sockets.fd(p.c1())), UpdateFlags.ANY);
            p.c1().write(ByteBuffer.wrap("direct".getBytes(StandardCharsets.UTF_8)));
            assertThat(read(p.a1(), 2000)).isEqualTo("direct");
            assertThat(obj.variable("redirected").getLong()).isEqualTo(1);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void streamVerdictSeesWhatAMappedSocketReceivesAndTheLinkPinsAndUpdates() throws Exception {
        Path pin = Path.of("/sys/fs/bpf/jsk_sockmap_" + Integer.toHexString(ThreadLocalRandom.current().nextInt()));
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/sock_msg_redirect.o"));
             ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             Pairs p = Pairs.open(server)) {
            BpfMap map = obj.map("sock_map");
            try (SockmapAttachment link = SockmapAttachment.attach(obj.program("skb_verdict_pass"), map)) {
                assertThat(link.hook()).isEqualTo(SockmapAttachment.Hook.STREAM_VERDICT);
                map.update(le32(0), le64(Sockets.fd(p.c1())), UpdateFlags.ANY);
                p.a1().write(ByteBuffer.wrap("to c1".getBytes(StandardCharsets.UTF_8)));
                assertThat(read(p.c1(), 2000)).isEqualTo("to c1");
                assertThat(obj.variable("verdicts").getLong()).as("the verdict ran for the data c1 received")
                        .isGreaterThanOrEqualTo(1);

                assertThatThrownBy(() -> SockmapAttachment.attach(obj.program("skb_verdict_pass"), map))
                        .isInstanceOf(BpfException.class).hasMessageContaining("a link already holds that hook");
                assertThatThrownBy(() -> link.update(obj.program("msg_pass"))).isInstanceOf(BpfException.class)
                        .hasMessageContaining("BPF_PROG_TYPE_SK_MSG");

                link.pin(pin);
                assertThat(Files.exists(pin)).isTrue();
                Sh.Result bt = Sh.run("bpftool", "link", "show", "pinned", pin.toString(), "-j");
                assertThat(bt.out()).as(bt.all()).contains("\"id\":" + link.id());
                link.unpin();
                assertThat(Files.exists(pin)).isFalse();
            }
        } finally {
            Files.deleteIfExists(pin);
        }
    }

    @Test
    void refusesMismatchedProgramsAndMaps() {
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/sock_msg_redirect.o"));
             BpfObject reuse = BpfObject.load(Objects.path("hooks/sock_reuseport_select.o"))) {
            assertThatThrownBy(() -> SockmapAttachment.attach(obj.program("msg_pass"), obj.map("sock_map"),
                    SockmapAttachment.Hook.STREAM_PARSER))
                    .isInstanceOf(BpfException.class).hasMessageContaining("takes BPF_PROG_TYPE_SK_SKB programs");
            assertThatThrownBy(() -> SockmapAttachment.attach(obj.program("msg_pass"), reuse.map("socks")))
                    .isInstanceOf(BpfException.class).hasMessageContaining("BPF_MAP_TYPE_REUSEPORT_SOCKARRAY");
            assertThatThrownBy(() -> SockmapAttachment.attach(reuse.program("reuseport_pick"), obj.map("sock_map")))
                    .isInstanceOf(BpfException.class).hasMessageContaining("does not name a sockmap hook");
        }
    }
}
