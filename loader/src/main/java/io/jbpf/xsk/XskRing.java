package io.jbpf.xsk;

import io.jbpf.common.BpfException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One AF_XDP ring mapped into this process: a u32 producer index, a u32 consumer index, a u32
 * flags word and {@code size} entries (a power of two), at the offsets XDP_MMAP_OFFSETS gave.
 * Indexes run freely and wrap at 2^32 (Java's int arithmetic does the same); an index's entry is
 * at {@code index & (size - 1)}. The side this process writes is stored with release semantics
 * after the entries, the other side read with acquire semantics before them, as the kernel pairs
 * them (smp_store_release / smp_load_acquire in xsk_queue.h). Each side keeps cached copies of
 * both indexes, as libxdp does, so the shared cache lines are touched only when the cached view
 * runs out. Not thread-safe: one thread drives a ring.
 */
public abstract class XskRing {
    static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    /** The whole mapping (or, in unit tests, a buffer laid out the same way), in native order. */
    final ByteBuffer ring;
    final int producerOffset;
    final int consumerOffset;
    final int flagsOffset;
    final int descOffset;
    final int size;
    final int mask;
    private final String name;
    private boolean closed;

    XskRing(String name, ByteBuffer ring, int producerOffset, int consumerOffset, int flagsOffset, int descOffset,
            int size) {
        if (size <= 0 || (size & (size - 1)) != 0) {
            throw new IllegalArgumentException(name + " ring size " + size + " is not a power of two");
        }
        this.name = name;
        this.ring = ring.duplicate().order(ByteOrder.nativeOrder());
        this.producerOffset = producerOffset;
        this.consumerOffset = consumerOffset;
        this.flagsOffset = flagsOffset;
        this.descOffset = descOffset;
        this.size = size;
        this.mask = size - 1;
    }

    /** The number of entries. */
    public int size() {
        return size;
    }

    /**
     * True when the kernel asked for a wakeup on this ring (XDP_RING_NEED_WAKEUP, set only on
     * sockets bound with {@link BindFlag#USE_NEED_WAKEUP}): the fill ring wants a
     * recvfrom/poll, the TX ring a sendto, before the kernel looks at it again.
     */
    public boolean needsWakeup() {
        return ((int) INTS.getOpaque(ring, flagsOffset) & XskUapi.XDP_RING_NEED_WAKEUP) != 0;
    }

    int producer() {
        return (int) INTS.getAcquire(ring, producerOffset);
    }

    int consumer() {
        return (int) INTS.getAcquire(ring, consumerOffset);
    }

    /** After close the mapping is gone: touching it would crash the JVM, so the batch calls refuse. */
    final void checkOpen() {
        if (closed) {
            throw new BpfException("the " + name + " ring of a closed AF_XDP socket cannot be used");
        }
    }

    final void markClosed() {
        closed = true;
    }

    @Override
    public String toString() {
        return name + " ring (" + size + " entries, producer " + Integer.toUnsignedString(producer())
                + ", consumer " + Integer.toUnsignedString(consumer()) + ")";
    }

    /**
     * A ring this process produces into and the kernel consumes (fill, TX): {@link #reserve}
     * entries, write them, {@link #submit} them.
     */
    public abstract static class Producer extends XskRing {
        /** The next index to reserve. */
        int cachedProducer;
        /** The kernel's consumer index as last read, plus size: the first index not free. */
        int cachedConsumer;
        /** The first index of the last reservation. */
        int start;
        /** What the producer index says (the entries submitted so far). */
        int submitted;

        Producer(String name, ByteBuffer ring, int producerOffset, int consumerOffset, int flagsOffset, int descOffset,
                int size) {
            super(name, ring, producerOffset, consumerOffset, flagsOffset, descOffset, size);
            this.submitted = (int) INTS.getAcquire(this.ring, producerOffset);
            this.cachedProducer = submitted;
            this.cachedConsumer = consumer() + size;
        }

        /**
         * The number of free entries, at least {@code wanted} if that many are free: the kernel's
         * consumer index is read again only when the cached view shows fewer.
         */
        public int free(int wanted) {
            int free = cachedConsumer - cachedProducer;
            if (Integer.compareUnsigned(free, wanted) >= 0) {
                return free;
            }
            cachedConsumer = consumer() + size;
            return cachedConsumer - cachedProducer;
        }

        /**
         * Reserves up to {@code n} entries and returns how many it got (0 when the ring is full).
         * They are entries 0 .. n-1 of this batch for the setters until {@link #submit}.
         */
        public int reserve(int n) {
            checkOpen();
            int got = Math.min(n, free(n));
            start = cachedProducer;
            cachedProducer += got;
            return got;
        }

        /**
         * Gives back the last {@code n} entries of the last reservation unused (reserved and not
         * written), so the next reservation starts with them.
         */
        public void cancel(int n) {
            cachedProducer -= n;
        }

        /** Hands the first {@code n} reserved entries to the kernel (store-release of the producer index). */
        public void submit(int n) {
            submitted += n;
            INTS.setRelease(ring, producerOffset, submitted);
        }

        /** The byte offset in the mapping of entry {@code i} of the last reservation. */
        final int entry(int i, int entrySize) {
            return descOffset + ((start + i) & mask) * entrySize;
        }
    }

    /**
     * A ring the kernel produces into and this process consumes (RX, completion): {@link #peek}
     * entries, read them, {@link #release} them.
     */
    public abstract static class Consumer extends XskRing {
        /** The kernel's producer index as last read. */
        int cachedProducer;
        /** The next index to peek. */
        int cachedConsumer;
        /** The first index of the last peek. */
        int start;
        /** What the consumer index says (the entries released so far). */
        int released;

        Consumer(String name, ByteBuffer ring, int producerOffset, int consumerOffset, int flagsOffset, int descOffset,
                int size) {
            super(name, ring, producerOffset, consumerOffset, flagsOffset, descOffset, size);
            this.released = (int) INTS.getAcquire(this.ring, consumerOffset);
            this.cachedConsumer = released;
            this.cachedProducer = producer();
        }

        /** The number of entries ready, at most {@code max}; the kernel's index is read when the cache is empty. */
        public int available(int max) {
            int entries = cachedProducer - cachedConsumer;
            if (entries == 0) {
                cachedProducer = producer();
                entries = cachedProducer - cachedConsumer;
            }
            return Integer.compareUnsigned(entries, max) > 0 ? max : entries;
        }

        /**
         * Takes up to {@code max} ready entries and returns how many (0 when none is ready). They
         * are entries 0 .. n-1 of this batch for the getters until {@link #release}.
         */
        public int peek(int max) {
            checkOpen();
            int n = available(max);
            start = cachedConsumer;
            cachedConsumer += n;
            return n;
        }

        /** Gives the first {@code n} peeked entries back to the kernel (store-release of the consumer index). */
        public void release(int n) {
            released += n;
            INTS.setRelease(ring, consumerOffset, released);
        }

        final int entry(int i, int entrySize) {
            return descOffset + ((start + i) & mask) * entrySize;
        }
    }
}
