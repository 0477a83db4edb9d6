package io.jbpf.ringbuf;

import io.jbpf.BpfMap;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Epoll;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.uapi.MapType;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads the records programs write to {@code BPF_MAP_TYPE_RINGBUF} maps, one or several on one
 * epoll: each map's ring is mapped into this process and its records are handed to the map's
 * {@link RecordHandler} in place, with no copy and no allocation.
 *
 * <pre>{@code
 * try (RingBufferReader reader = RingBufferReader.open(obj.map("events"), (data, offset, length) ->
 *         System.out.println(data.getLong(offset)))) {
 *     while (running) {
 *         reader.poll(100, 1024);
 *     }
 * }
 * }</pre>
 *
 * <p>Records are read in the order they were submitted; a discarded record is skipped and a
 * record still being written (busy) stops the ring's read until its producer submits it. One
 * thread reads; {@link #close} may come from another thread: it wakes a waiting {@link #poll},
 * waits for it to return, then unmaps the rings and closes the epoll (the maps stay open).
 */
public final class RingBufferReader implements AutoCloseable {
    private final Epoll epoll = new Epoll(8);
    private final int wakeFd;
    private final NativeMemory one = Native.allocate(8);
    private Ring[] rings = new Ring[0];
    private RecordHandler[] handlers = new RecordHandler[0];
    /** Set by the first close: only that call touches the eventfd, which it then closes. */
    private final AtomicBoolean closing = new AtomicBoolean();
    private boolean closed;

    private RingBufferReader() {
        int fd = LibC.eventfd(0, LibC.EFD_CLOEXEC_NONBLOCK);
        if (fd < 0) {
            int errno = Native.errno();
            epoll.close();
            throw new BpfException("eventfd for a ring buffer reader", errno);
        }
        this.wakeFd = fd;
        try {
            epoll.add(fd, Epoll.EPOLLIN, -1);
        } catch (RuntimeException e) {
            Native.closeQuietly(fd);
            epoll.close();
            throw e;
        }
    }

    /** A reader of the ring buffer {@code map}, whose records go to {@code handler}; {@link #add} more. */
    public static RingBufferReader open(BpfMap map, RecordHandler handler) {
        RingBufferReader reader = new RingBufferReader();
        try {
            return reader.add(map, handler);
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /**
     * Reads the ring buffer {@code map} too, its records going to {@code handler}; returns this
     * reader. Records already in the ring are read from where the last consumer left them.
     */
    public synchronized RingBufferReader add(BpfMap map, RecordHandler handler) {
        checkOpen();
        if (handler == null) {
            throw new NullPointerException("handler");
        }
        Ring ring = Ring.map(map, MapType.RINGBUF);
        try {
            epoll.add(map.fd(), Epoll.EPOLLIN, rings.length);
        } catch (RuntimeException e) {
            ring.unmap();
            throw e;
        }
        rings = Arrays.copyOf(rings, rings.length + 1);
        handlers = Arrays.copyOf(handlers, handlers.length + 1);
        rings[rings.length - 1] = ring;
        handlers[handlers.length - 1] = handler;
        return this;
    }

    /** How many ring buffers this reader reads. */
    public synchronized int rings() {
        return rings.length;
    }

    /**
     * Waits up to {@code timeoutMillis} (0: not at all, -1: without limit) until a ring has a
     * record, then reads at most {@code limit} records from the rings, as {@link #consume} does;
     * returns how many it handed to handlers (0 when the wait timed out or {@link #close} woke it).
     */
    public synchronized int poll(int timeoutMillis, int limit) {
        checkOpen();
        checkLimit(limit);
        if (epoll.await(timeoutMillis) == 0 || closing.get()) {
            return 0;
        }
        return consumeAll(limit);
    }

    /**
     * Reads at most {@code limit} records that are ready, without waiting: the rings are taken in
     * the order they were added, each read until it is empty, meets a busy record or the limit is
     * reached. Returns how many records were handed to handlers (discarded ones are not counted).
     */
    public synchronized int consume(int limit) {
        checkOpen();
        checkLimit(limit);
        return consumeAll(limit);
    }

    private int consumeAll(int limit) {
        int n = 0;
        Ring[] rs = rings;
        for (int i = 0; i < rs.length && n < limit; i++) {
            n += consume(rs[i], handlers[i], limit - n);
        }
        return n;
    }

    /**
     * Bytes of records read between two stores of the consumer position: the producers get that
     * space back a little later than they would one record at a time (as libbpf does), and the
     * loop over one such chunk keeps its values in registers.
     */
    static final int RELEASE_BYTES = 4096;

    /**
     * One ring. The consumer position is stored (release) after every chunk of
     * {@link #RELEASE_BYTES}, when the records seen ready are read, and when a handler throws (its
     * record counts as read, as in libbpf). Each header is a plain load followed by an acquire
     * fence, and the record-to-record path works on int offsets and locals only: measured beside
     * libbpf (bench/, ringbuf rows), an acquire load through the buffer's VarHandle, a store per
     * record and the ring's fields or long positions kept across the loop (spilled to the stack
     * by the JIT) each cost this loop a tenth to a fifth of its time.
     */
    private static int consume(Ring ring, RecordHandler handler, int limit) {
        ByteBuffer data = ring.data;
        int size = (int) ring.size;
        long consumer = ring.consumerPosition();
        int budget = limit;
        int done = 0;
        try {
            while (budget > 0) {
                long ready = RingLayout.pending(consumer, ring.producerPosition());
                if (ready <= 0) {
                    break;
                }
                // One chunk between two stores of the consumer position.
                int chunk = (int) Math.min(ready, RELEASE_BYTES);
                int offset = (int) consumer & (size - 1);
                done = 0;
                do {
                    int header = (int) Ring.INTS.get(data, offset);
                    // The header's load before the record's: the producer's commit (a release store
                    // of the header) orders the record's bytes before it.
                    VarHandle.acquireFence();
                    if (RingLayout.busy(header)) {
                        return limit - budget; // the finally stores consumer + done
                    }
                    int span = RingLayout.spanOf(header);
                    done += span; // first: a record whose handler throws counts as read
                    if (!RingLayout.discarded(header)) {
                        budget--;
                        handler.onRecord(data, offset + RingLayout.HEADER_SIZE, RingLayout.length(header));
                    }
                    offset += span;
                    if (offset >= size) {
                        offset -= size;
                    }
                } while (done < chunk && budget > 0);
                consumer += done;
                done = 0;
                ring.consumerPosition(consumer);
            }
            return limit - budget;
        } finally {
            ring.consumerPosition(consumer + done);
        }
    }

    private static void checkLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit " + limit + " < 1");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new BpfException("ring buffer reader is closed");
        }
    }

    /**
     * Wakes a {@link #poll} waiting in another thread, waits for it to return, then unmaps every
     * ring and closes the reader's fds. The maps themselves stay open (their owner closes them).
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        one.putLong(0, 1);
        LibC.write(wakeFd, one, 8); // wakes a poll that waits; the eventfd stays readable
        synchronized (this) {
            closed = true;
            for (Ring r : rings) {
                r.unmap();
            }
            epoll.close();
            Native.closeQuietly(wakeFd);
        }
    }
}
