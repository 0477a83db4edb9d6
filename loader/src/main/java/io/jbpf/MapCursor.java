package io.jbpf;

import io.jbpf.uapi.Errno;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfAttr;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.ElemCall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.uapi.BpfCmd;
import io.jbpf.uapi.LookupFlags;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.UpdateFlags;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/**
 * Allocation-free access to one map: a key buffer, a value buffer and a {@code bpf_attr} of its
 * own, reused by every call. Write the key into {@link #key()}, call {@link #lookup()}, read
 * {@link #value()}. Both are little-endian direct buffers; per-CPU maps' values hold one 8-byte
 * aligned slot per possible CPU. Keys of QUEUE, STACK and BLOOM_FILTER maps are empty; a
 * BLOOM_FILTER is asked about the value the caller writes into {@link #value()} ({@link #contains()}).
 *
 * <pre>{@code
 * try (MapCursor c = map.cursor()) {
 *     c.key().putInt(0, 7);
 *     if (c.lookup()) {
 *         long packets = c.value().getLong(0);
 *     }
 * }
 * }</pre>
 *
 * <p>Closing frees the buffers and the {@code bpf_attr} at once (they are native memory); a
 * cursor never closed frees them when it becomes unreachable. After {@link #close()} every call
 * fails, and buffers taken from {@link #key()} and {@link #value()} before must not be touched:
 * their memory is gone.
 *
 * <p>Not thread-safe: give each polling thread its own cursor ({@link BpfMap#cursor()}).
 */
public final class MapCursor implements AutoCloseable {
    private final BpfMap map;
    private final NativeMemory key;
    private final NativeMemory nextKey;
    private final NativeMemory value;
    /** Lookup, update and lookup-and-delete: the hot path. */
    private final ElemCall elem;
    /** For delete and get-next-key, which want other fields. */
    private final NativeMemory attr = Native.allocateReleasable(BpfAttr.MapElem.SIZE);
    private final long keyAddr;
    private final boolean bloomFilter;
    private boolean positioned;
    /** Plain, not volatile: a cursor belongs to one thread at a time, and so does closing it. */
    private boolean closed;
    // The kernel reads and writes the key and value buffers through their addresses only: each
    // call is followed by a reachability fence on this cursor, which owns them, so that a cursor
    // used once and dropped (map.cursor().lookup()) cannot have them freed during the call.

    MapCursor(BpfMap map) {
        this.map = map;
        this.key = Native.allocateReleasable(map.keySize());
        this.nextKey = Native.allocateReleasable(map.keySize());
        this.value = Native.allocateReleasable(map.valueBufferSize());
        this.keyAddr = map.keySize() == 0 ? 0 : key.address();
        MapType type = map.type();
        this.bloomFilter = type == MapType.BLOOM_FILTER;
        this.elem = new ElemCall(keyAddr, value.address(), shortCalls(type),
                type == MapType.LRU_HASH || type == MapType.LRU_PERCPU_HASH);
    }

    /**
     * Whether the kernel's element commands on maps of this type return at once: no sleeping, no
     * waiting for an RCU grace period (which updates of map-in-map types do), no thread start
     * (CPUMAP). ElemCall makes only these as downcalls that hold up the JVM's safepoints while
     * they run; the rest go through JNI, which lets the JVM go on.
     */
    private static boolean shortCalls(MapType type) {
        return switch (type) {
            case HASH, ARRAY, PERCPU_HASH, PERCPU_ARRAY,
                    LRU_HASH, LRU_PERCPU_HASH, LPM_TRIE, QUEUE,
                    STACK, BLOOM_FILTER -> true;
            default -> false;
        };
    }

    /** How this cursor's lookups and updates reach the kernel (see ElemCall); for tests. */
    String via() {
        return elem.via();
    }

    /** Failed calls that ElemCall made again to learn errno (see ElemCall); for tests. */
    int retries() {
        return elem.retries();
    }

    /** The key buffer ({@code keySize} bytes); valid until {@link #close()}. */
    public ByteBuffer key() {
        checkOpen();
        return key.buffer();
    }

    /** The value buffer ({@link BpfMap#valueBufferSize()} bytes); valid until {@link #close()}. */
    public ByteBuffer value() {
        checkOpen();
        return value.buffer();
    }

    /**
     * Reads the value for {@link #key()} into {@link #value()}; false when the key is absent.
     * On a BLOOM_FILTER this is {@link #contains()}: the kernel reads {@link #value()}.
     */
    public boolean lookup() {
        checkOpen();
        int r = elem.call(BpfCmd.MAP_LOOKUP_ELEM, map.fd(), 0);
        Reference.reachabilityFence(this);
        return found(r, "lookup");
    }

    /** As {@link #lookup()}, with {@code flags}: {@link LookupFlags#LOCK} copies the value under its bpf_spin_lock. */
    public boolean lookup(LookupFlags flags) {
        checkOpen();
        int r = elem.call(BpfCmd.MAP_LOOKUP_ELEM, map.fd(), flags.value);
        Reference.reachabilityFence(this);
        return found(r, "lookup (" + flags.kernelName() + ")");
    }

    /**
     * Whether a BLOOM_FILTER map may hold the value now in {@link #value()}, which the caller
     * writes first: false means certainly not, true probably. Refused on other map types.
     */
    public boolean contains() {
        checkOpen();
        if (!bloomFilter) {
            throw new BpfException("map " + map.name() + " is a " + map.type().kernelName()
                    + ": contains() tests a BPF_MAP_TYPE_BLOOM_FILTER; look keys up with lookup()");
        }
        int r = elem.call(BpfCmd.MAP_LOOKUP_ELEM, map.fd(), 0);
        Reference.reachabilityFence(this);
        return found(r, "contains");
    }

    /**
     * Writes {@link #value()} for {@link #key()}: {@link UpdateFlags#ANY} creates or replaces,
     * {@code NOEXIST} only creates, {@code EXIST} only replaces; the {@code *LOCK} ones write under
     * the value's bpf_spin_lock. For QUEUE and STACK maps (no key) this pushes the value.
     */
    public void update(UpdateFlags flags) {
        checkOpen();
        int r = elem.call(BpfCmd.MAP_UPDATE_ELEM, map.fd(), flags.value);
        Reference.reachabilityFence(this);
        if (r < 0) {
            throw new BpfException("map " + map.name() + ": update (" + flags.kernelName() + ")", -r);
        }
    }

    /** Deletes {@link #key()}; false when it was absent. */
    public boolean delete() {
        checkOpen();
        int r = BpfSyscall.elem(attr, BpfCmd.MAP_DELETE_ELEM, map.fd(), keyAddr, 0, 0);
        Reference.reachabilityFence(this);
        return found(r, "delete");
    }

    /** Reads and deletes {@link #key()} (pops, for QUEUE and STACK maps); false when there was nothing. */
    public boolean lookupAndDelete() {
        checkOpen();
        int r = elem.call(BpfCmd.MAP_LOOKUP_AND_DELETE_ELEM, map.fd(), 0);
        Reference.reachabilityFence(this);
        return found(r, "lookup and delete");
    }

    /**
     * Moves {@link #key()} to the next key of the map (the first on the first call after
     * {@link #rewind()}); false after the last. Entries deleted meanwhile are skipped by the kernel.
     */
    public boolean next() {
        checkOpen();
        int r = BpfSyscall.elem(attr, BpfCmd.MAP_GET_NEXT_KEY, map.fd(), positioned ? keyAddr : 0,
                nextKey.address(), 0);
        Reference.reachabilityFence(this);
        if (r == -Errno.ENOENT) {
            return false;
        }
        map.checkNextKey(r);
        key.buffer().put(0, nextKey.buffer(), 0, map.keySize());
        positioned = true;
        return true;
    }

    /** Starts the next {@link #next()} from the first key again. */
    public void rewind() {
        checkOpen();
        positioned = false;
    }

    /**
     * Frees the key and value buffers and the bpf_attr now; a second close does nothing. The map
     * stays open. Not while another thread uses this cursor.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        elem.close();
        key.release();
        nextKey.release();
        value.release();
        attr.release();
    }

    private void checkOpen() {
        if (closed) {
            throw new BpfException("cursor of map " + map.name() + " is closed");
        }
    }

    /** Makes the next {@link #next()} continue after the key now in {@link #key()}. */
    void continueAfterKey() {
        positioned = true;
    }

    private boolean found(int r, String op) {
        if (r == -Errno.ENOENT) {
            return false;
        }
        if (r < 0) {
            throw new BpfException("map " + map.name() + ": " + op, -r);
        }
        return true;
    }
}
