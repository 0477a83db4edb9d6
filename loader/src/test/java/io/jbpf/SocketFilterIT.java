package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.link.SocketFilter;
import io.jbpf.link.Sockets;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * hooks/sock_filter_port.o attached with SO_ATTACH_BPF to a Java DatagramChannel: the socket
 * receives exactly the datagrams the filter keeps, and all of them again once it is detached.
 */
class SocketFilterIT {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static DatagramChannel bound() throws IOException {
        return DatagramChannel.open(StandardProtocolFamily.INET).bind(LOOPBACK);
    }

    private static int port(DatagramChannel c) throws IOException {
        return ((InetSocketAddress) c.getLocalAddress()).getPort();
    }

    private static void send(DatagramChannel from, DatagramChannel to, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            from.send(ByteBuffer.wrap(("d" + i).getBytes()), to.getLocalAddress());
        }
    }

    /**
     * The source ports of what arrives on {@code rx} until {@code expected} datagrams came, plus any
     * late ones in the next 300 ms (loopback delivers within the send call; the wait catches extras).
     */
    private static List<Integer> receive(DatagramChannel rx, int expected) throws Exception {
        rx.configureBlocking(false);
        List<Integer> ports = new ArrayList<>();
        long deadline = System.nanoTime() + 3_000_000_000L;
        long quietUntil = Long.MAX_VALUE;
        ByteBuffer buf = ByteBuffer.allocate(64);
        while (System.nanoTime() < Math.min(deadline, quietUntil)) {
            buf.clear();
            InetSocketAddress from = (InetSocketAddress) rx.receive(buf);
            if (from == null) {
                Thread.sleep(5);
                continue;
            }
            ports.add(from.getPort());
            if (ports.size() == expected) {
                quietUntil = System.nanoTime() + 300_000_000L;
            }
        }
        return ports;
    }

    @Test
    void socketKeepsExactlyWhatTheFilterKeepsUntilDetached() throws Exception {
        int before = Fds.count();
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/sock_filter_port.o"));
             DatagramChannel rx = bound(); DatagramChannel fromA = bound(); DatagramChannel fromB = bound()) {
            obj.variable("drop_port").setLong(port(fromA));
            try (SocketFilter filter = SocketFilter.attach(obj.program("sock_drop_port"), rx)) {
                assertThat(filter.info().progId()).isEqualTo(obj.program("sock_drop_port").id());
                send(fromA, rx, 5);
                send(fromB, rx, 7);
                List<Integer> got = receive(rx, 7);
                assertThat(got).as("only port B's datagrams reach the socket").hasSize(7).containsOnly(port(fromB));
                assertThat(obj.variable("seen").getLong()).as("the filter saw every datagram of the socket").isEqualTo(12);
                assertThat(obj.variable("dropped").getLong()).isEqualTo(5);

                filter.update(obj.program("sock_keep_all"));
                send(fromA, rx, 4);
                assertThat(receive(rx, 4)).as("the swapped-in filter keeps port A's too").hasSize(4).containsOnly(port(fromA));
                assertThat(obj.variable("kept").getLong()).isEqualTo(4);
                assertThat(obj.variable("seen").getLong()).as("the first filter no longer runs").isEqualTo(12);
            }
            send(fromA, rx, 3);
            assertThat(receive(rx, 3)).as("detached: everything arrives").hasSize(3);
            assertThat(obj.variable("kept").getLong()).isEqualTo(4);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void channelFdIsTheSocketProcNetUdpNames() throws Exception {
        try (DatagramChannel rx = bound(); DatagramChannel other = bound()) {
            int fd = Sockets.fd(rx);
            String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            String portHex = String.format(":%04X ", port(rx));
            // /proc/net/udp (this netns): the row whose local address is 127.0.0.1:port names the inode.
            String inode = Files.readAllLines(Path.of("/proc/net/udp")).stream()
                    .filter(l -> l.trim().split("\\s+")[1].equals("0100007F" + portHex.trim()))
                    .map(l -> l.trim().split("\\s+")[9]).findFirst().orElseThrow();
            assertThat(link).isEqualTo("socket:[" + inode + "]");
            assertThat(Sockets.fd(other)).isNotEqualTo(fd);
        }
    }

    @Test
    void closingAfterTheSocketIsGoneDoesNothing() throws Exception {
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/sock_filter_port.o"))) {
            SocketFilter filter;
            try (DatagramChannel rx = bound()) {
                filter = SocketFilter.attach(obj.program("sock_keep_all"), rx);
            }
            // The fd number may belong to another socket by now: SO_COOKIE tells it is not ours.
            try (DatagramChannel reuse = bound()) {
                filter.close();
                assertThatThrownBy(() -> filter.update(obj.program("sock_keep_all")))
                        .isInstanceOf(BpfException.class).hasMessageContaining("closed");
            }
        }
    }

    @Test
    void refusesOtherProgramTypesAndPinning() throws Exception {
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/sock_filter_port.o"));
             BpfObject xdp = BpfObject.load(Objects.path("xdp_pass.o"));
             DatagramChannel rx = bound()) {
            assertThatThrownBy(() -> SocketFilter.attach(xdp.program("xdp_pass_func"), rx))
                    .isInstanceOf(BpfException.class).hasMessageContaining("BPF_PROG_TYPE_XDP")
                    .hasMessageContaining("BPF_PROG_TYPE_SOCKET_FILTER");
            assertThatThrownBy(() -> SocketFilter.attach(obj.program("sock_keep_all"), 0))
                    .isInstanceOf(BpfException.class).hasMessageContaining("not an open socket");
            try (SocketFilter f = SocketFilter.attach(obj.program("sock_keep_all"), rx)) {
                assertThatThrownBy(() -> f.pin(Path.of("/sys/fs/bpf/jsk_sockfilter")))
                        .isInstanceOf(BpfException.class).hasMessageContaining("no bpf_link to pin");
            }
            assertThat(Files.exists(Path.of("/sys/fs/bpf/jsk_sockfilter"))).isFalse();
        }
    }
}
