package io.jbpf.testing;

import io.jbpf.link.Sockets;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child-JVM main for SocketsTest: opens two Java channels of one SO_REUSEPORT group, which share
 * every address, and prints the fd Sockets.fd gives each and the socket that fd is, one line each.
 */
public final class ReuseportFds {
    private ReuseportFds() {
    }

    public static void main(String[] args) throws Exception {
        try (DatagramChannel a = DatagramChannel.open().setOption(StandardSocketOptions.SO_REUSEPORT, true)
                .bind(new InetSocketAddress("127.0.0.1", 0));
             DatagramChannel b = DatagramChannel.open().setOption(StandardSocketOptions.SO_REUSEPORT, true)
                     .bind(a.getLocalAddress())) {
            for (DatagramChannel c : new DatagramChannel[] {a, b}) {
                int fd = Sockets.fd(c);
                System.out.println(fd + " " + Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)));
            }
        }
    }
}
