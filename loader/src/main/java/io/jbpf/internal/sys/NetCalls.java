package io.jbpf.internal.sys;

import io.jbpf.internal.sys.Native.Function;
import io.jbpf.internal.sys.Native.Returns;
import java.lang.ref.Reference;

/**
 * The glibc functions the socket and network-namespace hooks call beyond {@link LibC}: reading a
 * socket's options and addresses (to tell which fd is a Java channel's socket, and whether an fd
 * still is the socket a filter was attached to). Results are the C
 * results (-1 with errno set; read it with {@link Native#errno()}).
 */
public final class NetCalls {
    private static final Function GETSOCKOPT = Native.function("getsockopt", Returns.INT, 5);
    private static final Function GETSOCKNAME = Native.function("getsockname", Returns.INT, 3);
    private static final Function GETPEERNAME = Native.function("getpeername", Returns.INT, 3);

    // asm-generic/socket.h, linux/socket.h, fcntl.h
    public static final int SOL_SOCKET = 1;
    public static final int SO_TYPE = 3;
    public static final int SO_REUSEPORT = 15;
    public static final int SO_DETACH_BPF = 27;
    public static final int SO_DOMAIN = 39;
    public static final int SO_ATTACH_BPF = 50;
    public static final int SO_ATTACH_REUSEPORT_EBPF = 52;
    public static final int SO_COOKIE = 57;
    public static final int SO_DETACH_REUSEPORT_BPF = 68;
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    /** sizeof(struct sockaddr_storage). */
    public static final int SOCKADDR_STORAGE = 128;

    private NetCalls() {
    }

    /** {@code getsockopt} into {@code value}; {@code len} is the buffer's size. 0, or -1. */
    public static int getsockopt(int fd, int level, int option, NativeMemory value, int len) {
        NativeMemory l = Native.allocate(4);
        l.putInt(0, len);
        int r = (int) GETSOCKOPT.call(fd, level, option, value.address(), l.address());
        Reference.reachabilityFence(value);
        Reference.reachabilityFence(l);
        return r;
    }

    /** {@code getsockname} into {@code addr} (at least {@link #SOCKADDR_STORAGE} bytes): 0, or -1. */
    public static int getsockname(int fd, NativeMemory addr) {
        return name(GETSOCKNAME, fd, addr);
    }

    /** {@code getpeername} into {@code addr} (at least {@link #SOCKADDR_STORAGE} bytes): 0, or -1 (ENOTCONN). */
    public static int getpeername(int fd, NativeMemory addr) {
        return name(GETPEERNAME, fd, addr);
    }

    private static int name(Function f, int fd, NativeMemory addr) {
        NativeMemory l = Native.allocate(4);
        l.putInt(0, addr.size());
        int r = (int) f.call(fd, addr.address(), l.address());
        Reference.reachabilityFence(addr);
        Reference.reachabilityFence(l);
        return r;
    }
}
