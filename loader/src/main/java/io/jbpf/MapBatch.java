package io.jbpf;

import io.jbpf.uapi.Errno;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfAttr;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.uapi.BpfCmd;
import io.jbpf.uapi.UpdateFlags;
import java.nio.ByteBuffer;

/**
 * Whole-map reads and writes many entries per system call (BPF_MAP_*_BATCH), into key and value
 * buffers reused call after call. Entry {@code i} of a chunk has its key at
 * {@code i * keySize} in {@link #keys()} and its value at {@code i * valueBufferSize} in
 * {@link #values()}. On a map type or kernel without batch operations, reads fall back to
 * get_next_key + lookup into the same buffers, so callers need not care. QUEUE, STACK and
 * BLOOM_FILTER maps, which the kernel cannot list at all, are refused at creation (read queues
 * and stacks with {@link MapCursor#lookupAndDelete()}, test bloom filters with
 * {@link MapCursor#contains()}).
 * The kernel hands out hash maps a whole bucket at a time and refuses a bucket larger than the
 * capacity (ENOSPC, where libbpf leaves the caller to retry with larger buffers): the rest of
 * that pass is then read key by key, from the last key read, into the same buffers.
 *
 * <p>The buffers take {@code capacity × (keySize + valueBufferSize)} bytes; size them by bytes with
 * {@link BpfMap#batchWithin(long)} when values are large.
 *
 * <pre>{@code
 * try (MapBatch b = map.batch(1024)) {
 *     for (int n = b.read(); n > 0; n = b.read()) { ... entries 0..n-1 ... }
 * }
 * }</pre>
 *
 * <p>Closing frees the buffers at once (they are native memory, possibly large); a batch never
 * closed frees them when it becomes unreachable. After {@link #close()} every call fails, and
 * buffers taken from {@link #keys()} and {@link #values()} before must not be touched.
 *
 * <p>Not thread-safe; one per polling thread. Allocation-free after construction (after the first
 * pass that met a bucket too large, which makes the cursor it reads on with).
 */
public final class MapBatch implements AutoCloseable {
    private final BpfMap map;
    private final int capacity;
    private final NativeMemory keys;
    private final NativeMemory values;
    private final NativeMemory inToken;
    private final NativeMemory outToken;
    private final NativeMemory attr;
    private final int tokenSize;
    private MapCursor fallback;
    /** Reads the rest of a pass key by key after ENOSPC; made on first need. */
    private MapCursor overflow;
    private boolean overflowing;
    /** Entries in the last chunk (its last key is where per-key reading picks up). */
    private int lastCount;
    private boolean started;
    private boolean done;
    private boolean closed;

    MapBatch(BpfMap map, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("batch capacity must be positive, not " + capacity);
        }
        String why = map.whyNotListable();
        if (why != null) {
            throw new BpfException("map " + map.name() + ": cannot be read in batches: " + why);
        }
        long bytes = largerBuffer(map.keySize(), map.valueBufferSize(), capacity);
        if (bytes > Integer.MAX_VALUE) {
            throw new BpfException("map " + map.name() + ": a batch of " + capacity + " entries needs a buffer of " + bytes
                    + " bytes, more than one buffer can hold (2 GiB); use fewer entries (BpfMap.batchWithin sizes by bytes)");
        }
        this.map = map;
        this.capacity = capacity;
        this.keys = Native.allocateReleasable(Math.max(1, map.keySize()) * capacity);
        this.values = Native.allocateReleasable(map.valueBufferSize() * capacity);
        // Hash maps use a u32 bucket index as the position token, other maps a key: room for either.
        this.tokenSize = Math.max(8, map.keySize());
        this.inToken = Native.allocateReleasable(tokenSize);
        this.outToken = Native.allocateReleasable(tokenSize);
        this.attr = Native.allocateReleasable(BpfAttr.Batch.SIZE);
    }

    /**
     * How many entries of {@code keySize + valueBufferSize} bytes fit in {@code byteBudget} bytes
     * of buffers: at least 1 (one entry is the least a read can hand out, whatever its size), at
     * most {@code maxEntries} (no read returns more than the map holds) and at most what one
     * buffer can hold (2 GiB). {@code valueBufferSize} is {@link BpfMap#valueBufferSize()}, which
     * for per-CPU maps already counts every possible CPU.
     */
    public static int capacityWithin(int keySize, int valueBufferSize, int maxEntries, long byteBudget) {
        long entry = (long) Math.max(1, keySize) + Math.max(1, valueBufferSize);
        long fit = Math.max(1, byteBudget) / entry;
        long oneBuffer = Integer.MAX_VALUE / Math.max(Math.max(1, keySize), Math.max(1, valueBufferSize));
        // max_entries is a u32: 2^31 and more must not read as negative (and so as room for 1).
        return (int) Math.max(1, Math.min(Math.min(fit, oneBuffer), Math.max(1, Integer.toUnsignedLong(maxEntries))));
    }

    /** Bytes of the larger of the key and value buffers for {@code capacity} entries, in long arithmetic. */
    private static long largerBuffer(int keySize, int valueBufferSize, int capacity) {
        return Math.max((long) Math.max(1, keySize) * capacity, (long) valueBufferSize * capacity);
    }

    /** Entries per call: how many the buffers hold. */
    public int capacity() {
        return capacity;
    }

    /** Keys of the last chunk, {@code keySize} bytes each; valid until {@link #close()}. */
    public ByteBuffer keys() {
        checkOpen();
        return keys.buffer();
    }

    /** Values of the last chunk, {@link BpfMap#valueBufferSize()} bytes each; valid until {@link #close()}. */
    public ByteBuffer values() {
        checkOpen();
        return values.buffer();
    }

    /** Starts the next {@link #read()} from the beginning of the map. */
    public void rewind() {
        checkOpen();
        started = false;
        done = false;
        overflowing = false;
        if (fallback != null) {
            fallback.rewind();
        }
    }

    /** Reads the next chunk of up to {@link #capacity()} entries; returns how many, 0 after the last. */
    public int read() {
        return chunk(BpfCmd.MAP_LOOKUP_BATCH, "lookup batch");
    }

    /** Reads the next chunk and deletes what it read (drains a map); 0 when the map is empty. */
    public int readAndDelete() {
        return chunk(BpfCmd.MAP_LOOKUP_AND_DELETE_BATCH, "lookup and delete batch");
    }

    /**
     * Writes the first {@code count} entries of the buffers in one call. {@code flags} is
     * {@link UpdateFlags#ANY}, or {@link UpdateFlags#LOCK} to write each value under its
     * bpf_spin_lock: a batch always creates or replaces (the kernel has no NOEXIST or EXIST for
     * batches, and they are refused here).
     */
    public void update(int count, UpdateFlags flags) {
        checkOpen();
        checkCount(count);
        if (flags != UpdateFlags.ANY && flags != UpdateFlags.LOCK) {
            throw new BpfException("map " + map.name() + ": update batch takes UpdateFlags.ANY or LOCK, not " + flags
                    + " (" + flags.kernelName() + "): a batch always creates or replaces; use a MapCursor for "
                    + "create-only or replace-only updates");
        }
        int r = BpfSyscall.batch(attr, BpfCmd.MAP_UPDATE_BATCH, map.fd(), 0, 0, keys.address(), values.address(),
                count, flags.value);
        if (r < 0) {
            // The kernel writes the count back only once it has started on the entries; a count
            // left as we passed it on a failure means it refused the call before writing any.
            int written = BpfSyscall.batchCount(attr);
            throw new BpfException("map " + map.name() + ": update batch (" + (written == count ? 0 : written) + " of "
                    + count + " written)", -r);
        }
    }

    /** Deletes the first {@code count} keys of {@link #keys()} in one call; returns how many were deleted. */
    public int delete(int count) {
        checkOpen();
        checkCount(count);
        int r = BpfSyscall.batch(attr, BpfCmd.MAP_DELETE_BATCH, map.fd(), 0, 0, keys.address(), 0, count, 0);
        if (r < 0 && r != -Errno.ENOENT) {
            throw new BpfException("map " + map.name() + ": delete batch", -r);
        }
        return BpfSyscall.batchCount(attr);
    }

    private int chunk(BpfCmd cmd, String op) {
        checkOpen();
        if (done) {
            return 0;
        }
        boolean delete = cmd == BpfCmd.MAP_LOOKUP_AND_DELETE_BATCH;
        if (fallback != null) {
            return perKeyChunk(fallback, delete);
        }
        if (overflowing) {
            return perKeyChunk(overflow, delete);
        }
        int r = BpfSyscall.batch(attr, cmd, map.fd(), started ? inToken.address() : 0, outToken.address(),
                keys.address(), values.address(), capacity, 0);
        int n = BpfSyscall.batchCount(attr);
        if (r == -Errno.ENOENT) {
            done = true;
            lastCount = n;
            return n;
        }
        if (r == -Errno.ENOSPC) {
            return overflowChunk(delete);
        }
        if (r < 0) {
            if (!started && unsupported(-r)) {
                fallback = map.cursor();
                return perKeyChunk(fallback, delete);
            }
            throw new BpfException("map " + map.name() + ": " + op, -r);
        }
        inToken.buffer().put(0, outToken.buffer(), 0, tokenSize);
        started = true;
        lastCount = n;
        return n;
    }

    /**
     * A bucket did not fit: the rest of this pass key by key. After a plain read it goes on after
     * the last key handed out (buckets come whole, so none is skipped or repeated); after reads
     * that deleted, what was read is gone and it starts from the first key left.
     */
    private int overflowChunk(boolean delete) {
        if (overflow == null) {
            overflow = map.cursor();
        }
        overflow.rewind();
        if (started && !delete && lastCount > 0) {
            int ks = map.keySize();
            overflow.key().put(0, keys.buffer(), (lastCount - 1) * ks, ks);
            overflow.continueAfterKey();
        }
        overflowing = true;
        return perKeyChunk(overflow, delete);
    }

    /** get_next_key + lookup into the batch buffers: maps without batch operations, and overflow. */
    private int perKeyChunk(MapCursor c, boolean delete) {
        int n = 0;
        int ks = map.keySize();
        int vs = map.valueBufferSize();
        while (n < capacity && c.next()) {
            if (!c.lookup()) {
                continue; // deleted between next() and lookup()
            }
            keys.buffer().put(n * ks, c.key(), 0, ks);
            values.buffer().put(n * vs, c.value(), 0, vs);
            n++;
        }
        if (delete) {
            for (int i = 0; i < n; i++) {
                c.key().put(0, keys.buffer(), i * ks, ks);
                c.delete();
            }
            c.rewind();
        }
        if (n < capacity) {
            done = true;
        }
        started = true;
        lastCount = n;
        return n;
    }

    private static boolean unsupported(int errno) {
        return errno == Errno.EINVAL || errno == Errno.ENOTSUPP || errno == Errno.EOPNOTSUPP || errno == Errno.ENOSYS;
    }

    /**
     * Frees the buffers now, and those of the cursors it read with where the kernel had no batch
     * operation or a bucket did not fit; a second close does nothing. The map stays open. Not
     * while another thread uses this batch.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (fallback != null) {
            fallback.close();
        }
        if (overflow != null) {
            overflow.close();
        }
        keys.release();
        values.release();
        inToken.release();
        outToken.release();
        attr.release();
    }

    private void checkOpen() {
        if (closed) {
            throw new BpfException("batch of map " + map.name() + " is closed");
        }
    }

    private void checkCount(int count) {
        if (count < 0 || count > capacity) {
            throw new IllegalArgumentException("count " + count + " outside 0.." + capacity);
        }
    }
}
