package io.jbpf.link;

import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.internal.sys.NetCalls;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The file descriptor of a socket Java opened, for the calls that name sockets by fd:
 * {@link SocketFilter#attach(io.jbpf.BpfProgram, int)}, {@link ReuseportAttachment}, and the
 * values of sockmap, sockhash and reuseport socket-array maps.
 *
 * <p>The JDK keeps a channel's fd private. When the JVM runs with
 * {@code --add-exports java.base/sun.nio.ch=io.jbpf.loader} ({@code =ALL-UNNAMED} on the class
 * path), jbpf asks the channel itself. Without that flag it finds the socket among this process's
 * fds ({@code /proc/self/fd}): the one with the channel's family, type, local address and peer
 * address. That needs the channel bound, and it cannot tell apart sockets that share all of these
 * (an SO_REUSEPORT group bound to one address): jbpf then refuses rather than guess, and says which
 * flag or which fd-taking call resolves it. A /proc/net table scan by port was rejected: it sees
 * the sockets of the whole network namespace, not this process's fds.
 */
public final class Sockets {
    private Sockets() {
    }

    /**
     * The fd of {@code channel}'s socket, valid while the channel is open. Closing the channel
     * closes it; do not close the fd yourself.
     */
    public static int fd(NetworkChannel channel) {
        Objects.requireNonNull(channel, "channel");
        if (!channel.isOpen()) {
            throw new BpfException("socket " + channel + " is closed: it has no fd");
        }
        Integer exported = fromJdk(channel);
        if (exported != null) {
            return exported;
        }
        return fromProc(channel);
    }

    /** SelChImpl.getFDVal() when the JVM lets jbpf read it, else null. */
    private static Integer fromJdk(NetworkChannel channel) {
        try {
            Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
            if (!selCh.isInstance(channel)) {
                return null;
            }
            return (Integer) selCh.getMethod("getFDVal").invoke(channel);
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException
                 | InvocationTargetException | RuntimeException e) {
            return null; // not exported to us (the usual case), or another JDK: find it in /proc
        }
    }

    private static int fromProc(NetworkChannel channel) {
        SocketAddress local;
        SocketAddress peer;
        try {
            local = channel.getLocalAddress();
            peer = remote(channel);
        } catch (IOException e) {
            throw new BpfException("socket " + channel + ": cannot read its addresses: " + e.getMessage(), e);
        }
        if (!(local instanceof InetSocketAddress localInet)) {
            throw new BpfException("socket " + channel + " is " + (local == null ? "not bound" : "not an IP socket")
                    + ": without --add-exports java.base/sun.nio.ch=io.jbpf.loader, jbpf finds a channel's fd by its "
                    + "IP address and port, so bind it first (or pass the fd)");
        }
        int type = channel instanceof DatagramChannel ? NetCalls.SOCK_DGRAM
                : channel instanceof SocketChannel || channel instanceof ServerSocketChannel ? NetCalls.SOCK_STREAM : -1;
        List<Integer> matches = new ArrayList<>();
        String[] fds = new File("/proc/self/fd").list();
        NativeMemory buf = Native.allocate(NetCalls.SOCKADDR_STORAGE);
        for (String name : fds == null ? new String[0] : fds) {
            int fd = Integer.parseInt(name);
            if (!isSocket(fd)) {
                continue;
            }
            if (type >= 0 && intOption(fd, NetCalls.SO_TYPE, buf) != type) {
                continue;
            }
            if (NetCalls.getsockname(fd, buf) != 0 || !sameAddress(inet(buf), localInet)) {
                continue;
            }
            InetSocketAddress fdPeer = NetCalls.getpeername(fd, buf) == 0 ? inet(buf) : null;
            if (peer == null ? fdPeer == null : fdPeer != null && sameAddress(fdPeer, (InetSocketAddress) peer)) {
                matches.add(fd);
            }
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            throw new BpfException("socket " + channel + ": no fd of this process is a socket bound to " + local
                    + (peer == null ? "" : " and connected to " + peer));
        }
        throw new BpfException("socket " + channel + ": fds " + matches + " are all sockets bound to " + local
                + (peer == null ? "" : " and connected to " + peer) + " (an SO_REUSEPORT group?), so jbpf cannot tell "
                + "which is this channel's; run the JVM with --add-exports java.base/sun.nio.ch=io.jbpf.loader "
                + "(=ALL-UNNAMED on the class path) so that jbpf can ask the channel, or pass the fd");
    }

    private static SocketAddress remote(NetworkChannel channel) throws IOException {
        if (channel instanceof SocketChannel s) {
            return s.getRemoteAddress();
        }
        if (channel instanceof DatagramChannel d) {
            return d.getRemoteAddress();
        }
        return null;
    }

    private static boolean isSocket(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(fd))).toString().startsWith("socket:");
        } catch (IOException e) {
            return false; // closed meanwhile
        }
    }

    private static int intOption(int fd, int option, NativeMemory buf) {
        return NetCalls.getsockopt(fd, NetCalls.SOL_SOCKET, option, buf, 4) == 0 ? buf.getInt(0) : -1;
    }

    /** A sockaddr_in or sockaddr_in6 as Java shows it (IPv4-mapped IPv6 addresses become IPv4), else null. */
    static InetSocketAddress inet(NativeMemory sa) {
        int family = Short.toUnsignedInt(sa.getShort(0));
        int port = Short.toUnsignedInt(Short.reverseBytes(sa.getShort(2)));
        byte[] addr;
        if (family == NetCalls.AF_INET) {
            addr = new byte[4];
            sa.get(4, addr, 0, 4);
        } else if (family == NetCalls.AF_INET6) {
            addr = new byte[16];
            sa.get(8, addr, 0, 16);
        } else {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(addr), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // only for a wrong length, which cannot happen here
        }
    }

    /** Same port and address, with every wildcard (0.0.0.0, ::) equal to every other, as Java reports either. */
    static boolean sameAddress(InetSocketAddress kernel, InetSocketAddress javaSide) {
        if (kernel == null || kernel.getPort() != javaSide.getPort()) {
            return false;
        }
        InetAddress a = kernel.getAddress();
        InetAddress b = javaSide.getAddress();
        if (a.isAnyLocalAddress() || b.isAnyLocalAddress()) {
            return a.isAnyLocalAddress() && b.isAnyLocalAddress();
        }
        return java.util.Arrays.equals(a.getAddress(), b.getAddress());
    }

    /** SO_COOKIE of {@code fd}: the socket's id for its whole life, never reused; -1 when fd is no socket. */
    static long cookie(int fd) {
        NativeMemory v = Native.allocate(8);
        return NetCalls.getsockopt(fd, NetCalls.SOL_SOCKET, NetCalls.SO_COOKIE, v, 8) == 0 ? v.getLong(0) : -1;
    }

    /** setsockopt(fd, SOL_SOCKET, option, &value, 4): 0 or -errno. */
    static int setIntOption(int fd, int option, int value) {
        NativeMemory v = Native.allocate(4);
        v.putInt(0, value);
        return io.jbpf.internal.sys.LibC.setsockopt(fd, NetCalls.SOL_SOCKET, option, v, 4) == 0 ? 0 : -Native.errno();
    }
}
