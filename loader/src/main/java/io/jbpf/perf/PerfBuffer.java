package io.jbpf.perf;

import io.jbpf.BpfMap;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Epoll;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.PerfEventOpen;
import io.jbpf.internal.sys.PossibleCpus;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.UpdateFlags;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A reader of a {@code BPF_MAP_TYPE_PERF_EVENT_ARRAY} map: what programs send with
 * {@code bpf_perf_event_output(ctx, &map, BPF_F_CURRENT_CPU, data, size)}.
 *
 * <p>{@link #open} opens one PERF_COUNT_SW_BPF_OUTPUT perf event per online CPU, maps its ring
 * (a meta page and a power-of-two data area), stores the event's fd in the map at the CPU's
 * index, enables it and watches every fd on one epoll. {@link #poll} waits for records and
 * {@link #consume} reads what is there; both hand each record to a {@link PerfEventHandler} as a
 * view of the ring, allocating nothing. A record that wraps around a ring's end is copied into a
 * scratch buffer allocated once. Records the kernel had no room for arrive as PERF_RECORD_LOST
 * and are reported to the handler and counted ({@link #lost}).
 *
 * <p>Not thread-safe: one thread reads, and closes the reader once it stops reading.
 * {@link #close} disables the events, removes the map entries it set, unmaps the rings and
 * closes every fd.
 */
public final class PerfBuffer implements AutoCloseable {
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 1;
    /** The largest record: its header's size is a u16. */
    private static final int MAX_RECORD = 1 << 16;

    private final BpfMap map;
    private final PerfEventHandler handler;
    private final Epoll epoll;
    private final PerfRing[] rings;
    private final int[] fds;
    private final long[] addresses;
    private final long mapLength;
    private int next;
    private boolean closed;

    private PerfBuffer(BpfMap map, int cpus, long mapLength, PerfEventHandler handler) {
        this.map = map;
        this.handler = handler;
        this.rings = new PerfRing[cpus];
        this.fds = new int[cpus];
        this.addresses = new long[cpus];
        Arrays.fill(fds, -1);
        this.mapLength = mapLength;
        this.epoll = new Epoll(cpus);
    }

    /**
     * Opens a reader of {@code map} on every online CPU. The map must be a perf event array with
     * an entry for each online CPU's number (max_entries 0 in the ELF makes jbpf size it to the
     * possible CPUs, as libbpf does). The reader's entries replace any the map had. {@link #poll}
     * and {@link #consume} hand every record to {@code handler}, as a ring buffer reader does.
     */
    public static PerfBuffer open(BpfMap map, PerfBufferOptions options, PerfEventHandler handler) {
        if (map.type() != MapType.PERF_EVENT_ARRAY) {
            throw new BpfException("map " + map.name() + " is a " + map.type().kernelName()
                    + ", not a BPF_MAP_TYPE_PERF_EVENT_ARRAY: a perf buffer reads only those");
        }
        int[] cpus = PossibleCpus.online();
        int last = cpus[cpus.length - 1];
        if (last >= map.maxEntries()) {
            throw new BpfException("map " + map.name() + " has " + map.maxEntries() + " entries but CPU " + last
                    + " is online: give it max_entries 0 (one per possible CPU) or at least " + (last + 1));
        }
        long page = Native.pageSize();
        long dataSize = page * options.pagesPerCpu();
        if (dataSize > Integer.MAX_VALUE) {
            throw new BpfException("perf buffer of map " + map.name() + ": " + options.pagesPerCpu()
                    + " pages per CPU exceed 2 GiB");
        }
        PerfBuffer b = new PerfBuffer(map, cpus.length, page + dataSize, java.util.Objects.requireNonNull(handler, "handler"));
        try {
            ByteBuffer scratch = ByteBuffer.allocateDirect((int) Math.min(MAX_RECORD, dataSize)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < cpus.length; i++) {
                b.openCpu(i, cpus[i], options, page, (int) dataSize, scratch);
            }
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    private void openCpu(int i, int cpu, PerfBufferOptions options, long page, int dataSize, ByteBuffer scratch) {
        String what = "map " + map.name();
        fds[i] = BpfOutputEvent.openBpfOutput(cpu, options, what);
        long addr = LibC.mmap(mapLength, PROT_READ | PROT_WRITE, MAP_SHARED, fds[i], 0);
        if (addr == -1) {
            throw new BpfException("mmap of the perf ring of CPU " + cpu + " (" + mapLength + " bytes) for " + what
                    + " (RLIMIT_MEMLOCK or perf_event_mlock_kb may be too low for " + options.pagesPerCpu() + " pages)",
                    Native.errno());
        }
        addresses[i] = addr;
        rings[i] = new PerfRing(cpu, Native.view(addr, (int) page), Native.view(addr + page, dataSize), scratch);
        map.update(key(cpu), key(fds[i]), UpdateFlags.ANY);
        epoll.add(fds[i], Epoll.EPOLLIN, i);
        BpfOutputEvent.ioctl(fds[i], PerfEventOpen.PERF_EVENT_IOC_ENABLE, "the perf event of CPU " + cpu + " for " + what);
    }

    private static byte[] key(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    /**
     * Reads up to {@code limit} records from the rings (lost reports do not count), starting after
     * the ring where the last call stopped so that no CPU starves; returns how many were handed to
     * the handler. Does not wait.
     */
    public int consume(int limit) {
        checkOpen();
        int n = 0;
        int count = rings.length;
        for (int k = 0; k < count && n < limit; k++) {
            int i = next;
            next = i + 1 == count ? 0 : i + 1;
            n += rings[i].read(handler, limit - n);
        }
        return n;
    }

    /**
     * Reads waiting records like {@link #consume}; when there are none, waits up to
     * {@code timeoutMillis} (-1: until records arrive) for the kernel to wake the reader (per
     * {@link PerfBufferOptions}), then reads. Returns how many records were handed to the handler
     * (0 after a timeout).
     */
    public int poll(int timeoutMillis, int limit) {
        int n = consume(limit);
        if (n > 0 || limit <= 0) {
            return n;
        }
        if (epoll.await(timeoutMillis) == 0) {
            return 0;
        }
        return consume(limit);
    }

    /** The online CPUs this reader has a ring for, ascending. */
    public int[] cpus() {
        int[] c = new int[rings.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = rings[i].cpu;
        }
        return c;
    }

    /** Records the kernel reported lost on CPU {@code cpu} (its ring was full), as read so far. */
    public long lost(int cpu) {
        for (PerfRing r : rings) {
            if (r != null && r.cpu == cpu) {
                return r.lost();
            }
        }
        throw new IllegalArgumentException("CPU " + cpu + " has no ring in this reader (CPUs " + Arrays.toString(cpus()) + ")");
    }

    /** Records the kernel reported lost on every CPU, as read so far. */
    public long lost() {
        long n = 0;
        for (PerfRing r : rings) {
            n += r == null ? 0 : r.lost();
        }
        return n;
    }

    /** Records read so far that wrapped around a ring's end, so were copied once (for tests and tuning). */
    public long wrapped() {
        long n = 0;
        for (PerfRing r : rings) {
            n += r == null ? 0 : r.wrapped();
        }
        return n;
    }

    private void checkOpen() {
        if (closed) {
            throw new BpfException("perf buffer of map " + map.name() + " is closed");
        }
    }

    /**
     * Disables every event, removes the map entries this reader set (so programs stop writing
     * into rings nobody reads), unmaps the rings and closes every fd. The first failure is thrown
     * after everything is released.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] < 0) {
                continue;
            }
            if (LibC.ioctl(fds[i], PerfEventOpen.PERF_EVENT_IOC_DISABLE, 0) != 0 && failure == null) {
                failure = new BpfException("PERF_EVENT_IOC_DISABLE of the perf event of CPU " + cpuOf(i), Native.errno());
            }
            if (rings[i] != null) {
                try {
                    map.delete(key(rings[i].cpu));
                } catch (RuntimeException e) {
                    // The map closed first: its entries went with it.
                }
            }
            if (addresses[i] != 0) {
                if (LibC.munmap(addresses[i], mapLength) != 0 && failure == null) {
                    failure = new BpfException("munmap of the perf ring of CPU " + cpuOf(i), Native.errno());
                }
                addresses[i] = 0;
            }
            Native.closeQuietly(fds[i]);
            fds[i] = -1;
        }
        epoll.close();
        if (failure != null) {
            throw failure;
        }
    }

    private int cpuOf(int i) {
        return rings[i] == null ? -1 : rings[i].cpu;
    }
}
