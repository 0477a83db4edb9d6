package io.jbpf.xsk;

import static io.jbpf.xsk.XskUapi.*;

import io.jbpf.BpfMap;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.NetCalls;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.UpdateFlags;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An AF_XDP socket bound to one queue of one device, with its four rings mapped: packets an XDP
 * program redirects to it (through an XSKMAP, e.g. {@link XskRedirect}) arrive in {@link #rx()}
 * in frames of the {@link Umem} it was given through {@link #fill()}; packets to send go through
 * {@link #tx()} and come back as frames in {@link #completion()}. The first socket on a UMEM
 * registers it; later ones share it (XDP_SHARED_UMEM) — on another queue or device they get
 * fill and completion rings of their own, on the same queue and device they use the first
 * socket's. Not thread-safe: one thread drives a socket; {@link #close} from that thread.
 */
public final class XskSocket implements AutoCloseable {
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 1;
    private static final int MAP_POPULATE = 0x8000;
    private static final int BIND_BUSY_RETRIES = 20;
    private static final long BIND_BUSY_SLEEP_MILLIS = 25;
    /** socket(2) with an address family this kernel lacks. */
    private static final int EAFNOSUPPORT = 97;

    private final Umem umem;
    private final String device;
    private final int ifindex;
    private final int queue;
    private final int fd;
    private final XskOptions options;
    private final RxRing rx;
    private final TxRing tx;
    private final FillRing fill;
    private final CompletionRing completion;
    /** Mapped ring regions (address, length) to unmap on close, 0 where a ring is not this socket's. */
    private final long[] mappings;
    private final NativeMemory pollFd;
    private boolean closed;

    private XskSocket(Umem umem, String device, int ifindex, int queue, int fd, XskOptions options, RxRing rx,
            TxRing tx, FillRing fill, CompletionRing completion, long[] mappings) {
        this.umem = umem;
        this.device = device;
        this.ifindex = ifindex;
        this.queue = queue;
        this.fd = fd;
        this.options = options;
        this.rx = rx;
        this.tx = tx;
        this.fill = fill;
        this.completion = completion;
        this.mappings = mappings;
        this.pollFd = Native.allocate(8);
        pollFd.putInt(0, fd);
        pollFd.putShort(4, LibC.POLLIN);
    }

    /**
     * Opens an AF_XDP socket on {@code queue} of {@code device} (in this thread's network
     * namespace) over {@code umem}: creates it, registers or shares the UMEM, sizes and maps the
     * rings, binds it, and puts it into the options' XSKMAP. The fill ring starts empty: give it
     * frames ({@link #refill}) before packets can arrive.
     */
    public static XskSocket open(Umem umem, String device, int queue, XskOptions options) {
        umem.checkOpen();
        String where = "AF_XDP socket on " + device + " queue " + queue;
        if (queue < 0) {
            throw new IllegalArgumentException(where + ": the queue must not be negative");
        }
        int ifindex = LibC.if_nametoindex(device);
        if (ifindex == 0) {
            throw new BpfException(where + ": no device " + device + " in this network namespace", Errno.ENODEV);
        }
        int fd = LibC.socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            int errno = Native.errno();
            throw new BpfException(where + ": socket(AF_XDP)" + (errno == EAFNOSUPPORT
                    ? " - this kernel has no AF_XDP (CONFIG_XDP_SOCKETS)" : errno == Errno.EPERM
                    ? " - AF_XDP sockets need CAP_NET_RAW" : ""), errno);
        }
        long[] mappings = new long[8];
        try {
            XskSocket owner = umem.owner;
            boolean shared = owner != null;
            boolean ownRings = !shared || owner.ifindex != ifindex || owner.queue != queue;
            if (!shared) {
                NativeMemory reg = Native.allocate(UMEM_REG_SIZE);
                reg.putLong(UMEM_REG_ADDR, umem.address());
                reg.putLong(UMEM_REG_LEN, (long) umem.frameCount() * umem.frameSize().bytes());
                reg.putInt(UMEM_REG_CHUNK_SIZE, umem.frameSize().bytes());
                reg.putInt(UMEM_REG_HEADROOM, umem.headroom());
                setsockopt(fd, XDP_UMEM_REG, reg, where, "register the UMEM (XDP_UMEM_REG)",
                        " - ENOMEM/ENOBUFS: the locked-memory limit (RLIMIT_MEMLOCK) is too low for "
                                + umem.length() + " bytes");
            }
            if (ownRings) {
                setRingSize(fd, XDP_UMEM_FILL_RING, options.fillSize(), where, "fill");
                setRingSize(fd, XDP_UMEM_COMPLETION_RING, options.completionSize(), where, "completion");
            }
            setRingSize(fd, XDP_RX_RING, options.rxSize(), where, "RX");
            setRingSize(fd, XDP_TX_RING, options.txSize(), where, "TX");
            NativeMemory off = Native.allocate(MMAP_OFFSETS_SIZE);
            if (NetCalls.getsockopt(fd, SOL_XDP, XDP_MMAP_OFFSETS, off, MMAP_OFFSETS_SIZE) != 0) {
                throw new BpfException(where + ": read the ring offsets (XDP_MMAP_OFFSETS)", Native.errno());
            }
            RxRing rx = new RxRing(map(fd, off, OFF_RX, options.rxSize(), DESC_SIZE, XDP_PGOFF_RX_RING, mappings, 0,
                    where, "RX"), (int) off.getLong(OFF_RX + OFF_PRODUCER), (int) off.getLong(OFF_RX + OFF_CONSUMER),
                    (int) off.getLong(OFF_RX + OFF_FLAGS), (int) off.getLong(OFF_RX + OFF_DESC), options.rxSize());
            TxRing tx = new TxRing(map(fd, off, OFF_TX, options.txSize(), DESC_SIZE, XDP_PGOFF_TX_RING, mappings, 2,
                    where, "TX"), (int) off.getLong(OFF_TX + OFF_PRODUCER), (int) off.getLong(OFF_TX + OFF_CONSUMER),
                    (int) off.getLong(OFF_TX + OFF_FLAGS), (int) off.getLong(OFF_TX + OFF_DESC), options.txSize());
            FillRing fill;
            CompletionRing completion;
            if (ownRings) {
                fill = new FillRing(map(fd, off, OFF_FILL, options.fillSize(), ADDR_SIZE, XDP_UMEM_PGOFF_FILL_RING,
                        mappings, 4, where, "fill"), (int) off.getLong(OFF_FILL + OFF_PRODUCER),
                        (int) off.getLong(OFF_FILL + OFF_CONSUMER), (int) off.getLong(OFF_FILL + OFF_FLAGS),
                        (int) off.getLong(OFF_FILL + OFF_DESC), options.fillSize());
                completion = new CompletionRing(map(fd, off, OFF_COMPLETION, options.completionSize(), ADDR_SIZE,
                        XDP_UMEM_PGOFF_COMPLETION_RING, mappings, 6, where, "completion"),
                        (int) off.getLong(OFF_COMPLETION + OFF_PRODUCER),
                        (int) off.getLong(OFF_COMPLETION + OFF_CONSUMER),
                        (int) off.getLong(OFF_COMPLETION + OFF_FLAGS), (int) off.getLong(OFF_COMPLETION + OFF_DESC),
                        options.completionSize());
            } else {
                fill = owner.fill;
                completion = owner.completion;
            }
            bind(fd, ifindex, queue, options, shared ? owner.fd : -1, where);
            XskSocket s = new XskSocket(umem, device, ifindex, queue, fd, options, rx, tx, fill, completion, mappings);
            if (options.xskMap() != null) {
                try {
                    options.xskMap().update(u32(queue), u32(fd), UpdateFlags.ANY);
                } catch (BpfException e) {
                    throw new BpfException(where + ": cannot put the socket into XSKMAP " + options.xskMap().name()
                            + " at key " + queue + " (is the map smaller than the queue number?): " + e.getMessage(), e);
                }
            }
            if (!shared) {
                umem.owner = s;
            }
            umem.sockets++;
            return s;
        } catch (RuntimeException e) {
            unmap(mappings);
            Native.closeQuietly(fd);
            throw e;
        }
    }

    private static void setsockopt(int fd, int option, NativeMemory value, String where, String step, String hint) {
        if (LibC.setsockopt(fd, SOL_XDP, option, value, value.size()) != 0) {
            int errno = Native.errno();
            throw new BpfException(where + ": " + step + (errno == Errno.ENOMEM || errno == Errno.ENOBUFS ? hint : ""),
                    errno);
        }
    }

    private static void setRingSize(int fd, int option, int entries, String where, String ring) {
        NativeMemory v = Native.allocate(4);
        v.putInt(0, entries);
        setsockopt(fd, option, v, where, "set the " + ring + " ring to " + entries + " entries", " - fewer entries");
    }

    private static ByteBuffer map(int fd, NativeMemory off, int ring, int entries, int entrySize, long pgoff,
            long[] mappings, int slot, String where, String name) {
        long length = off.getLong(ring + OFF_DESC) + (long) entries * entrySize;
        long addr = LibC.mmap(length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, pgoff);
        if (addr == -1) {
            throw new BpfException(where + ": mmap of the " + name + " ring (" + length + " bytes)", Native.errno());
        }
        mappings[slot] = addr;
        mappings[slot + 1] = length;
        return Native.view(addr, (int) length).order(ByteOrder.nativeOrder());
    }

    private static void bind(int fd, int ifindex, int queue, XskOptions options, int sharedFd, String where) {
        int flags = 0;
        for (BindFlag f : options.bindFlags()) {
            flags |= f.bit;
        }
        if (sharedFd >= 0) {
            // With XDP_SHARED_UMEM the kernel refuses every other mode flag: the mode is the UMEM owner's.
            flags = XDP_SHARED_UMEM;
        }
        NativeMemory addr = Native.allocate(SOCKADDR_XDP_SIZE);
        addr.putShort(SXDP_FAMILY, (short) AF_XDP);
        addr.putShort(SXDP_FLAGS, (short) flags);
        addr.putInt(SXDP_IFINDEX, ifindex);
        addr.putInt(SXDP_QUEUE_ID, queue);
        addr.putInt(SXDP_SHARED_UMEM_FD, sharedFd < 0 ? 0 : sharedFd);
        for (int attempt = 0; ; attempt++) {
            if (LibC.bind(fd, addr, SOCKADDR_XDP_SIZE) == 0) {
                return;
            }
            int errno = Native.errno();
            if (errno == Errno.EBUSY && attempt < BIND_BUSY_RETRIES) {
                // A socket closed on this queue a moment ago is released asynchronously.
                sleep(BIND_BUSY_SLEEP_MILLIS);
                continue;
            }
            throw new BpfException(where + ": bind (flags " + options.bindFlags() + ")" + bindHint(errno, options), errno);
        }
    }

    private static String bindHint(int errno, XskOptions options) {
        if (errno == Errno.EOPNOTSUPP && options.bindFlags().contains(BindFlag.ZERO_COPY)) {
            return " - the driver has no AF_XDP zero-copy support (veth and most virtual devices): bind with "
                    + "BindFlag.COPY instead";
        }
        if (errno == Errno.EBUSY) {
            return " - another AF_XDP socket (or a zero-copy user) holds this queue";
        }
        if (errno == Errno.EINVAL) {
            return " - the queue may not exist on this device (ethtool -l shows its queues), or the device is down";
        }
        if (errno == Errno.ENETDOWN) {
            return " - the device is down: ip link set DEV up";
        }
        return "";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    private static void unmap(long[] mappings) {
        for (int i = 0; i < mappings.length; i += 2) {
            if (mappings[i] != 0) {
                LibC.munmap(mappings[i], mappings[i + 1]);
                mappings[i] = 0;
            }
        }
    }

    /** The RX ring: packets received. */
    public RxRing rx() {
        return rx;
    }

    /** The TX ring: packets to send. */
    public TxRing tx() {
        return tx;
    }

    /** The fill ring (the UMEM owner's when this socket shares its queue and device). */
    public FillRing fill() {
        return fill;
    }

    /** The completion ring (the UMEM owner's when this socket shares its queue and device). */
    public CompletionRing completion() {
        return completion;
    }

    /** The UMEM the rings' addresses point into. */
    public Umem umem() {
        return umem;
    }

    /** The socket's file descriptor (what an XSKMAP holds). */
    public int fd() {
        return fd;
    }

    /** The device it is bound to. */
    public String device() {
        return device;
    }

    /** The device's interface index. */
    public int ifindex() {
        return ifindex;
    }

    /** The queue it is bound to. */
    public int queue() {
        return queue;
    }

    /**
     * Moves free UMEM frames onto the fill ring, as many as the ring has room for and the UMEM
     * has free; returns how many.
     */
    public int refill() {
        int n = fill.reserve(umem.freeFrames());
        for (int i = 0; i < n; i++) {
            fill.address(i, umem.allocateFrame());
        }
        if (n > 0) {
            fill.submit(n);
        }
        return n;
    }

    /**
     * Receives up to {@code max} packets: hands each to {@code handler}, then gives its frame
     * straight back to the fill ring (or to the UMEM's free stack when the fill ring is full).
     * Returns how many packets it handled, 0 when none was ready (after waking the kernel if
     * the fill ring asks for it). Allocates nothing.
     */
    public int receive(int max, PacketHandler handler) {
        int n = rx.peek(max);
        if (n == 0) {
            wakeupFill();
            return 0;
        }
        ByteBuffer buffer = umem.buffer();
        for (int i = 0; i < n; i++) {
            handler.onPacket(buffer, (int) rx.address(i), rx.length(i));
        }
        int k = fill.reserve(n);
        for (int i = 0; i < k; i++) {
            fill.address(i, umem.frameOf(rx.address(i)));
        }
        for (int i = k; i < n; i++) {
            umem.freeFrame(rx.address(i));
        }
        rx.release(n);
        if (k > 0) {
            fill.submit(k);
        }
        return n;
    }

    /**
     * Waits up to {@code timeoutMillis} (0: do not wait, -1: forever) for packets in the RX ring
     * with poll(2); true when there are some. Polling also serves as the fill ring's wakeup.
     */
    public boolean poll(int timeoutMillis) {
        checkOpen();
        pollFd.putShort(6, (short) 0);
        int r = LibC.poll(pollFd, 1, timeoutMillis);
        if (r < 0) {
            int errno = Native.errno();
            if (errno == Errno.EINTR) {
                return false;
            }
            throw new BpfException("AF_XDP socket on " + device + " queue " + queue + ": poll", errno);
        }
        return r > 0 && (pollFd.getShort(6) & LibC.POLLIN) != 0;
    }

    /** Makes the recvfrom that wakes the kernel up for the fill ring, only if the ring's need-wakeup flag asks. */
    public void wakeupFill() {
        if (fill.needsWakeup()) {
            LibC.recvfromNothing(fd, LibC.MSG_DONTWAIT);
        }
    }

    /**
     * Makes the sendto that starts transmission of the submitted TX entries: only if the TX
     * ring's need-wakeup flag asks, on a socket bound with {@link BindFlag#USE_NEED_WAKEUP};
     * always on one bound without it (its flag is never set). Transient errors (the kernel is
     * busy or out of buffers) are left for the next call.
     */
    public void wakeupTx() {
        if (tx.needsWakeup() || !options.bindFlags().contains(BindFlag.USE_NEED_WAKEUP)) {
            kickTx();
        }
    }

    private void kickTx() {
        if (LibC.sendtoNothing(fd, LibC.MSG_DONTWAIT) < 0) {
            int errno = Native.errno();
            if (errno != Errno.EAGAIN && errno != Errno.EBUSY && errno != Errno.ENOBUFS && errno != Errno.ENETDOWN) {
                throw new BpfException("AF_XDP socket on " + device + " queue " + queue + ": sendto (TX wakeup)",
                        errno);
            }
        }
    }

    /** The kernel's counters for this socket (XDP_STATISTICS). */
    public XskStatistics statistics() {
        checkOpen();
        NativeMemory s = Native.allocate(STATISTICS_SIZE);
        if (NetCalls.getsockopt(fd, SOL_XDP, XDP_STATISTICS, s, STATISTICS_SIZE) != 0) {
            throw new BpfException("AF_XDP socket on " + device + " queue " + queue + ": XDP_STATISTICS",
                    Native.errno());
        }
        return new XskStatistics(s.getLong(0), s.getLong(8), s.getLong(16), s.getLong(24), s.getLong(32),
                s.getLong(40));
    }

    private void checkOpen() {
        if (closed) {
            throw new BpfException("AF_XDP socket on " + device + " queue " + queue + " is closed");
        }
    }

    /**
     * Removes the socket from its XSKMAP, unmaps its rings and closes it. The UMEM stays (close
     * it after its sockets); frames that were in this socket's rings are not returned to its
     * free stack.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (umem.owner == this && umem.sockets > 1) {
            // Sockets sharing the UMEM on this queue and device use this socket's fill and
            // completion mappings: unmapping them under those sockets would crash the JVM.
            throw new BpfException("AF_XDP socket on " + device + " queue " + queue + " registered its UMEM and "
                    + (umem.sockets - 1) + " other socket(s) still share it: close them first");
        }
        closed = true;
        try {
            if (options.xskMap() != null) {
                options.xskMap().delete(u32(queue));
            }
        } finally {
            rx.markClosed();
            tx.markClosed();
            if (mappings[4] != 0) {
                fill.markClosed();
                completion.markClosed();
            }
            unmap(mappings);
            LibC.close(fd);
            umem.sockets--;
            if (umem.owner == this) {
                umem.owner = null;
            }
        }
    }

    @Override
    public String toString() {
        return "XskSocket[" + device + " queue " + queue + ", fd " + fd + (closed ? ", closed" : "") + "]";
    }
}
