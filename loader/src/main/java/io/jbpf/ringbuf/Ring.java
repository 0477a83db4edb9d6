package io.jbpf.ringbuf;

import io.jbpf.BpfMap;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import io.jbpf.uapi.MapType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One ring buffer map mapped into this process ({@link RingLayout}): the consumer page, and the
 * producer page with the data area after it. The side this process plays is writable, the other
 * read-only, as the kernel requires: a RINGBUF's consumer page is writable and its producer pages
 * read-only; a USER_RINGBUF the other way round.
 */
final class Ring {
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 1;
    static final long PAGE = Native.pageSize();
    /** Positions are u64 and header lengths u32, little-endian on every architecture jbpf runs on (plain loads need no byte-order test). */
    static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    final String name;
    final long size;
    final long mask;
    private final long consumerAddress;
    private final long producerAddress;
    private final long producerLength;
    /** The consumer page: consumer_pos at offset 0. */
    final ByteBuffer consumer;
    /** The producer page: producer_pos at offset 0. */
    final ByteBuffer producer;
    /** The data area, twice over (2 * size bytes). */
    final ByteBuffer data;
    private boolean unmapped;

    private Ring(String name, long size, long consumerAddress, long producerAddress, long producerLength,
            boolean userProducer) {
        this.name = name;
        this.size = size;
        this.mask = size - 1;
        this.consumerAddress = consumerAddress;
        this.producerAddress = producerAddress;
        this.producerLength = producerLength;
        // A write through a read-only mapping would kill the JVM; a read-only buffer throws instead.
        ByteBuffer c = Native.view(consumerAddress, (int) PAGE);
        ByteBuffer p = Native.view(producerAddress, (int) PAGE);
        ByteBuffer d = Native.view(producerAddress + PAGE, (int) (2 * size));
        this.consumer = userProducer ? c.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN) : c;
        this.producer = userProducer ? p : p.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.data = userProducer ? d : d.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Maps {@code map}, which must be of type {@code type} (RINGBUF or USER_RINGBUF). */
    static Ring map(BpfMap map, MapType type) {
        if (map.type() != type) {
            throw new BpfException("map " + map.name() + " is a " + map.type().kernelName() + ", not a "
                    + type.kernelName() + (type == MapType.RINGBUF ? ": RingBufferReader reads BPF_MAP_TYPE_RINGBUF maps"
                    : ": UserRingBuffer writes to BPF_MAP_TYPE_USER_RINGBUF maps"));
        }
        long size = Integer.toUnsignedLong(map.maxEntries());
        String why = RingLayout.unmappable(size, PAGE);
        if (why != null) {
            throw new BpfException("ring buffer " + map.name() + " cannot be mapped: " + why);
        }
        boolean user = type == MapType.USER_RINGBUF;
        long consumer = LibC.mmap(PAGE, PROT_READ | (user ? 0 : PROT_WRITE), MAP_SHARED, map.fd(), 0);
        if (consumer == -1) {
            throw new BpfException("mmap of the consumer page of ring buffer " + map.name(), Native.errno());
        }
        long length = RingLayout.producerMappingLength(size, PAGE);
        long producer = LibC.mmap(length, PROT_READ | (user ? PROT_WRITE : 0), MAP_SHARED, map.fd(), PAGE);
        if (producer == -1) {
            int errno = Native.errno();
            LibC.munmap(consumer, PAGE);
            throw new BpfException("mmap of the producer page and data of ring buffer " + map.name(), errno);
        }
        return new Ring(map.name(), size, consumer, producer, length, user);
    }

    long consumerPosition() {
        return (long) LONGS.getAcquire(consumer, 0);
    }

    void consumerPosition(long position) {
        LONGS.setRelease(consumer, 0, position);
    }

    long producerPosition() {
        return (long) LONGS.getAcquire(producer, 0);
    }

    void producerPosition(long position) {
        LONGS.setRelease(producer, 0, position);
    }

    void unmap() {
        if (!unmapped) {
            unmapped = true;
            LibC.munmap(producerAddress, producerLength);
            LibC.munmap(consumerAddress, PAGE);
        }
    }
}
