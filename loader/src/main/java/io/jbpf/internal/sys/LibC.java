package io.jbpf.internal.sys;

import io.jbpf.internal.sys.Native.Function;
import io.jbpf.internal.sys.Native.Returns;
import java.lang.ref.Reference;

/**
 * The glibc functions jbpf calls, each bound once. Results are the C results (-1 with errno set
 * on failure; read it with {@link Native#errno()}); pointers are addresses, 0 for NULL.
 * {@code syscall} is variadic in C; glibc's x86-64 and arm64 versions just move registers, so a
 * fixed arity per use is exact.
 */
public final class LibC {
    private static final Function SYSCALL3 = Native.function("syscall", Returns.LONG, 4);
    private static final Function SYSCALL5 = Native.function("syscall", Returns.LONG, 6);
    private static final Function CLOSE = Native.function("close", Returns.INT, 1);
    private static final Function SOCKET = Native.function("socket", Returns.INT, 3);
    private static final Function BIND = Native.function("bind", Returns.INT, 3);
    private static final Function SETSOCKOPT = Native.function("setsockopt", Returns.INT, 5);
    private static final Function SENDTO = Native.function("sendto", Returns.LONG, 6);
    private static final Function RECV = Native.function("recv", Returns.LONG, 4);
    private static final Function IF_NAMETOINDEX = Native.function("if_nametoindex", Returns.INT, 1);
    private static final Function MMAP = Native.function("mmap", Returns.LONG, 6);
    private static final Function MUNMAP = Native.function("munmap", Returns.INT, 2);

    private LibC() {
    }

    /** {@code syscall(number, a, b, c)}: bpf(2) and the other three-argument system calls. */
    public static long syscall(long number, long a, long b, long c) {
        return SYSCALL3.call(number, a, b, c);
    }

    /** {@code syscall(number, a, b, c, d, e)}: perf_event_open(2). */
    public static long syscall(long number, long a, long b, long c, long d, long e) {
        return SYSCALL5.call(number, a, b, c, d, e);
    }

    public static int close(int fd) {
        return (int) CLOSE.call(fd);
    }

    public static int socket(int domain, int type, int protocol) {
        return (int) SOCKET.call(domain, type, protocol);
    }

    // The functions taking NativeMemory keep it reachable until the call returns: once only its
    // address is left, the buffer could otherwise be freed while the kernel still uses it.

    public static int bind(int fd, NativeMemory addr, int addrLen) {
        int r = (int) BIND.call(fd, addr.address(), addrLen);
        Reference.reachabilityFence(addr);
        return r;
    }

    public static int setsockopt(int fd, int level, int option, NativeMemory value, int len) {
        int r = (int) SETSOCKOPT.call(fd, level, option, value.address(), len);
        Reference.reachabilityFence(value);
        return r;
    }

    public static long sendto(int fd, NativeMemory buf, long len, int flags, NativeMemory addr, int addrLen) {
        long r = SENDTO.call(fd, buf.address(), len, flags, addr.address(), addrLen);
        Reference.reachabilityFence(buf);
        Reference.reachabilityFence(addr);
        return r;
    }

    public static long recv(int fd, NativeMemory buf, long len, int flags) {
        long r = RECV.call(fd, buf.address(), len, flags);
        Reference.reachabilityFence(buf);
        return r;
    }

    /** The interface index of {@code name}, 0 when there is none. */
    public static int if_nametoindex(String name) {
        NativeMemory s = Native.cString(name);
        int index = (int) IF_NAMETOINDEX.call(s.address());
        Reference.reachabilityFence(s);
        return index;
    }

    /** {@code mmap(NULL, length, prot, flags, fd, offset)}: the address, or -1 (MAP_FAILED). */
    public static long mmap(long length, int prot, int flags, int fd, long offset) {
        return MMAP.call(0, length, prot, flags, fd, offset);
    }

    public static int munmap(long address, long length) {
        return (int) MUNMAP.call(address, length);
    }

    // --- cli ---

    private static final Function OPEN = Native.function("open", Returns.INT, 2);
    /** O_RDONLY | O_CLOEXEC: read-only, not inherited by child processes (the same value on x86-64 and arm64). */
    public static final int O_RDONLY_CLOEXEC = 0x80000;

    /** {@code open(path, flags)}: an fd, or -1 with errno set. */
    public static int open(String path, int flags) {
        NativeMemory p = Native.cString(path);
        int fd = (int) OPEN.call(p.address(), flags);
        Reference.reachabilityFence(p);
        return fd;
    }

    // --- trace ---

    private static final Function READ = Native.function("read", Returns.LONG, 3);

    /** {@code read(fd, buf, len)}: the bytes read, 0 at end of file, or -1 with errno set. */
    public static long read(int fd, NativeMemory buf, long len) {
        long n = READ.call(fd, buf.address(), Math.min(len, buf.size()));
        Reference.reachabilityFence(buf);
        return n;
    }

    // --- perfbuf ---

    private static final Function IOCTL = Native.function("ioctl", Returns.INT, 3);

    /** {@code ioctl(fd, request, arg)} with an integer argument (PERF_EVENT_IOC_ENABLE and DISABLE take 0). */
    public static int ioctl(int fd, long request, long arg) {
        return (int) IOCTL.call(fd, request, arg);
    }

    // --- ringbuf ---

    private static final Function EVENTFD = Native.function("eventfd", Returns.INT, 2);
    private static final Function WRITE = Native.function("write", Returns.LONG, 3);
    /** EFD_CLOEXEC | EFD_NONBLOCK (the same values on x86-64 and arm64). */
    public static final int EFD_CLOEXEC_NONBLOCK = 0x80000 | 0x800;

    /** {@code eventfd(initval, flags)}: an fd, or -1 with errno set. */
    public static int eventfd(int initval, int flags) {
        return (int) EVENTFD.call(initval, flags);
    }

    /** {@code write(fd, buf, len)}: bytes written, or -1 with errno set. */
    public static long write(int fd, NativeMemory buf, long len) {
        long n = WRITE.call(fd, buf.address(), len);
        Reference.reachabilityFence(buf);
        return n;
    }

    // --- multi ---

    private static final Function FLOCK = Native.function("flock", Returns.INT, 2);
    /** O_RDONLY | O_DIRECTORY | O_CLOEXEC (x86-64 values): a directory to flock. */
    public static final int O_DIRECTORY_CLOEXEC = 0x80000 | 0x10000;
    /** flock(2) operations. */
    public static final int LOCK_EX = 2;
    public static final int LOCK_UN = 8;

    /** {@code flock(fd, operation)}: 0, or -1 with errno set. */
    public static int flock(int fd, int operation) {
        return (int) FLOCK.call(fd, operation);
    }

    // --- xsk ---

    private static final Function POLL = Native.function("poll", Returns.INT, 3);
    private static final Function RECVFROM = Native.function("recvfrom", Returns.LONG, 6);
    /** MSG_DONTWAIT: the AF_XDP wakeup calls must not block. */
    public static final int MSG_DONTWAIT = 0x40;
    /** POLLIN: readable (an AF_XDP socket: its RX ring has packets). */
    public static final short POLLIN = 1;

    /** {@code poll(fds, nfds, timeout)} over {@code nfds} struct pollfd (8 bytes each) in {@code fds}: the ready count, or -1. */
    public static int poll(NativeMemory fds, int nfds, int timeoutMillis) {
        int r = (int) POLL.call(fds.address(), nfds, timeoutMillis);
        Reference.reachabilityFence(fds);
        return r;
    }

    /** {@code sendto(fd, NULL, 0, flags, NULL, 0)}: an AF_XDP socket's TX wakeup. */
    public static long sendtoNothing(int fd, int flags) {
        return SENDTO.call(fd, 0, 0, flags, 0, 0);
    }

    /** {@code recvfrom(fd, NULL, 0, flags, NULL, NULL)}: an AF_XDP socket's fill-ring wakeup. */
    public static long recvfromNothing(int fd, int flags) {
        return RECVFROM.call(fd, 0, 0, flags, 0, 0);
    }
}
