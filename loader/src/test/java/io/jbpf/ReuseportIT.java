package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.internal.sys.NetCalls;
import io.jbpf.link.ReuseportAttachment;
import io.jbpf.link.Sockets;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.uapi.UpdateFlags;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * hooks/sock_reuseport_select.o on an SO_REUSEPORT group of three UDP sockets: every datagram to
 * the group goes to the socket the program picks. The group's sockets are opened through libc
 * (one address for all three, so only their fds tell them apart).
 */
class ReuseportIT {
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_DONTWAIT = 0x40;

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

    /** A UDP socket with SO_REUSEPORT bound to 127.0.0.1:port (0: any); its fd. */
    private static int reuseportSocket(int port) {
        int fd = LibC.socket(NetCalls.AF_INET, NetCalls.SOCK_DGRAM | SOCK_CLOEXEC, 0);
        assertThat(fd).isGreaterThanOrEqualTo(0);
        NativeMemory one = Native.allocate(4);
        one.putInt(0, 1);
        assertThat(LibC.setsockopt(fd, NetCalls.SOL_SOCKET, NetCalls.SO_REUSEPORT, one, 4)).isZero();
        NativeMemory sa = Native.allocate(16);
        sa.putShort(0, (short) NetCalls.AF_INET);
        sa.putShort(2, Short.reverseBytes((short) port));
        sa.putInt(4, 0x0100007f); // 127.0.0.1 in network order
        assertThat(LibC.bind(fd, sa, 16)).as("bind errno %d", Native.errno()).isZero();
        return fd;
    }

    private static int port(int fd) {
        NativeMemory sa = Native.allocate(NetCalls.SOCKADDR_STORAGE);
        assertThat(NetCalls.getsockname(fd, sa)).isZero();
        return Short.toUnsignedInt(Short.reverseBytes(sa.getShort(2)));
    }

    /** How many datagrams wait on {@code fd}. */
    private static int drain(int fd) {
        NativeMemory buf = Native.allocate(64);
        int n = 0;
        while (LibC.recv(fd, buf, 64, MSG_DONTWAIT) >= 0) {
            n++;
        }
        return n;
    }

    private static void send(DatagramChannel from, int port, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            from.send(ByteBuffer.wrap(new byte[] {(byte) i}), new InetSocketAddress("127.0.0.1", port));
        }
        Thread.sleep(100); // loopback delivers at once; this only leaves margin
    }

    @Test
    void programPicksTheSocketOfTheGroup() throws Exception {
        int before = Fds.count();
        List<Integer> fds = new ArrayList<>();
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/sock_reuseport_select.o"));
             DatagramChannel client = DatagramChannel.open()) {
            fds.add(reuseportSocket(0));
            int port = port(fds.get(0));
            fds.add(reuseportSocket(port));
            fds.add(reuseportSocket(port));
            BpfMap socks = obj.map("socks");
            for (int i = 0; i < 3; i++) {
                socks.update(le32(i), le64(fds.get(i)), UpdateFlags.ANY);
            }
            obj.variable("target").setLong(2);
            try (ReuseportAttachment a = ReuseportAttachment.attach(obj.program("reuseport_pick"), fds.get(0))) {
                send(client, port, 20);
                assertThat(List.of(drain(fds.get(0)), drain(fds.get(1)), drain(fds.get(2))))
                        .as("all 20 datagrams on the socket at index 2").containsExactly(0, 0, 20);
                obj.variable("target").setLong(0);
                send(client, port, 7);
                assertThat(List.of(drain(fds.get(0)), drain(fds.get(1)), drain(fds.get(2)))).containsExactly(7, 0, 0);
                assertThat(obj.variable("selected").getLong()).isEqualTo(27);
                assertThat(a.info().progId()).isEqualTo(obj.program("reuseport_pick").id());
            }
            send(client, port, 5);
            int total = drain(fds.get(0)) + drain(fds.get(1)) + drain(fds.get(2));
            assertThat(total).as("detached: the kernel's hash delivers them").isEqualTo(5);
            assertThat(obj.variable("selected").getLong()).as("the program no longer runs").isEqualTo(27);
        } finally {
            fds.forEach(Native::closeQuietly);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void javaChannelsOfOneGroupAreRefusedByAddressWithTheWayOut() throws Exception {
        try (DatagramChannel a = DatagramChannel.open().setOption(StandardSocketOptions.SO_REUSEPORT, true)
                .bind(new InetSocketAddress("127.0.0.1", 0));
             DatagramChannel b = DatagramChannel.open().setOption(StandardSocketOptions.SO_REUSEPORT, true)
                     .bind(a.getLocalAddress())) {
            assertThatThrownBy(() -> Sockets.fd(a)).isInstanceOf(BpfException.class)
                    .hasMessageContaining("cannot tell").hasMessageContaining("--add-exports java.base/sun.nio.ch");
        }
    }

    @Test
    void refusesASocketWithoutGroupAndOtherProgramTypes() throws Exception {
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/sock_reuseport_select.o"));
             BpfObject filter = BpfObject.load(Objects.path("hooks/sock_filter_port.o"));
             DatagramChannel plain = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            assertThatThrownBy(() -> ReuseportAttachment.attach(filter.program("sock_keep_all"), plain))
                    .isInstanceOf(BpfException.class).hasMessageContaining("BPF_PROG_TYPE_SK_REUSEPORT");
            assertThatThrownBy(() -> ReuseportAttachment.attach(obj.program("reuseport_pick"), plain))
                    .isInstanceOf(BpfException.class).hasMessageContaining("SO_REUSEPORT");
        }
    }
}
