package io.jbpf.internal.sys;

import io.jbpf.common.BpfException;
import io.jbpf.uapi.Errno;

/**
 * One epoll instance, for the event readers (ring buffers, perf buffers): fds are registered with
 * a 64-bit value of the caller's choosing, and {@link #await} fills an events buffer allocated once,
 * so waiting allocates nothing. Not thread-safe: one thread waits and reads the events.
 */
public final class Epoll implements AutoCloseable {
    private static final Native.Function EPOLL_CREATE1 = Native.function("epoll_create1", Native.Returns.INT, 1);
    private static final Native.Function EPOLL_CTL = Native.function("epoll_ctl", Native.Returns.INT, 4);
    private static final Native.Function EPOLL_WAIT = Native.function("epoll_wait", Native.Returns.INT, 4);
    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CTL_DEL = 2;
    /** EPOLLIN: readable, which is how a ring or perf buffer says it has data. */
    public static final int EPOLLIN = 1;
    /**
     * {@code struct epoll_event}: u32 events, then the u64 data; packed on x86-64 (12 bytes), as
     * the kernel's uapi header declares it there, naturally aligned elsewhere (16 bytes).
     */
    private static final int EVENT_SIZE = Arch.current() == Arch.X86_64 ? 12 : 16;
    private static final int DATA_OFFSET = Arch.current() == Arch.X86_64 ? 4 : 8;

    private final int fd;
    private final int capacity;
    private final NativeMemory events;
    private final NativeMemory one;
    private boolean closed;

    /** An epoll instance whose {@link #await} returns at most {@code capacity} events at a time. */
    public Epoll(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " < 1");
        }
        int r = (int) EPOLL_CREATE1.call(EPOLL_CLOEXEC);
        if (r < 0) {
            throw new BpfException("epoll_create1", Native.errno());
        }
        this.fd = r;
        this.capacity = capacity;
        this.events = Native.allocate(EVENT_SIZE * capacity);
        this.one = Native.allocate(EVENT_SIZE);
    }

    /** Watches {@code target} for {@code mask} (e.g. {@link #EPOLLIN}); {@link #data} reports {@code data} for it. */
    public void add(int target, int mask, long data) {
        one.putInt(0, mask);
        one.putLong(DATA_OFFSET, data);
        if (EPOLL_CTL.call(fd, EPOLL_CTL_ADD, target, one.address()) != 0) {
            throw new BpfException("epoll_ctl(EPOLL_CTL_ADD) of fd " + target, Native.errno());
        }
    }

    /** Stops watching {@code target}. */
    public void remove(int target) {
        if (EPOLL_CTL.call(fd, EPOLL_CTL_DEL, target, one.address()) != 0) {
            throw new BpfException("epoll_ctl(EPOLL_CTL_DEL) of fd " + target, Native.errno());
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (0: do not wait, -1: until an event) for events; returns how
     * many there are, read with {@link #events} and {@link #data}. A signal that interrupts the wait
     * counts as no event.
     */
    public int await(int timeoutMillis) {
        int n = (int) EPOLL_WAIT.call(fd, events.address(), capacity, timeoutMillis);
        if (n >= 0) {
            return n;
        }
        int errno = Native.errno();
        if (errno == Errno.EINTR) {
            return 0;
        }
        throw new BpfException("epoll_wait", errno);
    }

    /** The event mask of event {@code i} of the last {@link #await}. */
    public int events(int i) {
        return events.getInt(i * EVENT_SIZE);
    }

    /** The data registered for the fd of event {@code i} of the last {@link #await}. */
    public long data(int i) {
        return events.getLong(i * EVENT_SIZE + DATA_OFFSET);
    }

    /** The epoll fd itself (to nest it in another epoll or poll). */
    public int fd() {
        return fd;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Native.closeQuietly(fd);
        }
    }
}
