package io.jbpf;

import io.jbpf.uapi.Errno;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfFdType;
import io.jbpf.btf.Btf;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.internal.sys.PossibleCpus;
import io.jbpf.spec.MapSpec;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.UpdateFlags;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A map in the kernel, owned through its fd. Keys and values are raw bytes in the kernel's
 * layout (little-endian here); per-CPU maps take and return one value slot per possible CPU,
 * each rounded up to 8 bytes, as {@link #valueBufferSize()} says.
 *
 * <p>Thread safety: methods are safe to call from several threads; they serialise on the map's
 * native key/value buffers.
 */
public final class BpfMap implements AutoCloseable {
    private final String name;
    private final KernelInfo.Map info;
    private final int valueBufferSize;
    private final NativeMemory key;
    private final NativeMemory nextKey;
    private final NativeMemory value;
    private int fd;

    private BpfMap(int fd, String name, KernelInfo.Map info) {
        this.fd = fd;
        this.name = name;
        this.info = info;
        this.valueBufferSize = isPerCpu(info.type()) ? Math.multiplyExact(roundUp8(info.valueSize()), PossibleCpus.count())
                : info.valueSize();
        this.key = Native.allocate(Math.max(1, info.keySize()));
        this.nextKey = Native.allocate(Math.max(1, info.keySize()));
        this.value = Native.allocate(Math.max(1, valueBufferSize));
    }

    /** Takes ownership of {@code fd}; {@code name} is the object-file name (the kernel keeps 15 chars), or null. */
    static BpfMap adopt(int fd, String name) {
        try {
            return new BpfMap(fd, name, KernelInfo.map(fd, name == null ? "map" : "map " + name));
        } catch (RuntimeException e) {
            Native.closeQuietly(fd);
            throw e;
        }
    }

    /**
     * Creates the map {@code spec} describes, on its own: a hand-made one
     * ({@code BpfMap.create(MapSpec.of("counts", MapType.HASH, 4, 8, 1024, MapFlag.NO_PREALLOC))})
     * or one of an object's maps, for loading a single program ({@link BpfProgram#load}). Sizes
     * are adjusted as in an object load (perf event arrays default to one slot per CPU, ring
     * buffers round up to pages), the inner maps' shape is taken from {@link MapSpec#inner()},
     * global data is filled in and {@code .rodata} frozen. Created without BTF (there is no
     * object BTF to refer to) and never pinned, whatever {@link MapSpec#pinning()} says: pin it
     * with {@link #pin(Path)}; slots of {@link MapSpec#initialValues()} are not filled.
     *
     * @throws BpfException when the kernel refuses the map, or for the {@code .kconfig} map, whose
     *                      contents come from the whole object (load it with {@link BpfObject#load})
     */
    public static BpfMap create(MapSpec spec) {
        return MapLoader.createAlone(spec);
    }

    /** Pins the map at {@code path} in bpffs, so other processes can open it ({@link #fromPin}). */
    public void pin(Path path) {
        Pins.pin(fd(), path, "map " + name());
    }

    /**
     * Opens the map with kernel id {@code id}. Map ids are a namespace of their own (program 7
     * and map 7 are unrelated), so an id always names a map.
     */
    public static BpfMap fromId(int id) {
        int fd = BpfSyscall.mapGetFdById(id);
        if (fd < 0) {
            throw new BpfException("map id " + id, -fd);
        }
        return adopt(fd, null);
    }

    /** Opens the map pinned at {@code path} in bpffs; a pinned program or link is refused. */
    public static BpfMap fromPin(Path path) {
        int fd = BpfSyscall.objGet(path.toString());
        if (fd < 0) {
            throw new BpfException("pinned map " + path, -fd);
        }
        BpfFdType.require(fd, BpfFdType.MAP, "pinned map " + path);
        return adopt(fd, null);
    }

    /** Ids of every map in the kernel, in id order. */
    public static List<Integer> ids() {
        List<Integer> ids = new ArrayList<>();
        int next = BpfSyscall.mapGetNextId(0);
        while (next > 0) {
            ids.add(next);
            next = BpfSyscall.mapGetNextId(next);
        }
        return ids;
    }

    /** The name: from the object file when loaded by jbpf, else the kernel's (15 chars at most). */
    public String name() {
        return name != null ? name : info.name();
    }

    /** The map's fd, owned by this object: valid until {@link #close()}. */
    public int fd() {
        checkOpen();
        return fd;
    }

    /** What the kernel reported about the map when it was opened. */
    public KernelInfo.Map info() {
        return info;
    }

    /** The kernel's id for the map. */
    public int id() {
        return info.id();
    }

    /** The map type: {@code type().kernelName()} prints it as the kernel does. */
    public MapType type() {
        return info.type();
    }

    /** The map's {@code map_flags}. */
    public Set<MapFlag> flags() {
        return info.flags();
    }

    /** Key size in bytes; 0 for QUEUE, STACK and BLOOM_FILTER maps. */
    public int keySize() {
        return info.keySize();
    }

    /** Value size in bytes, of one CPU's value for per-CPU maps (see {@link #valueBufferSize()}). */
    public int valueSize() {
        return info.valueSize();
    }

    /** {@code max_entries}: a u32, so read it with {@link Integer#toUnsignedLong} (LPM tries may use 2^32 - 1). */
    public int maxEntries() {
        return info.maxEntries();
    }

    /** Bytes a value occupies in lookups and updates: per-CPU maps hold one 8-aligned slot per CPU. */
    public int valueBufferSize() {
        return valueBufferSize;
    }

    /**
     * Bytes between consecutive values in the kernel's layout: the value size rounded up to 8, the
     * stride of per-CPU slots in {@link #valueBufferSize()} and of array entries in an mmap.
     */
    public int valueStride() {
        return roundUp8(info.valueSize());
    }

    /** Whether values come one per possible CPU (PERCPU_ARRAY, PERCPU_HASH, LRU_PERCPU_HASH, PERCPU_CGROUP_STORAGE). */
    public boolean perCpu() {
        return isPerCpu(info.type());
    }

    /**
     * The value for {@code k}, or null when there is none. For QUEUE and STACK maps (key size 0,
     * pass an empty key) this peeks at the head without removing it. BLOOM_FILTER maps are
     * asked with {@link #contains(byte[])} instead.
     */
    public synchronized byte[] lookup(byte[] k) {
        if (type() == MapType.BLOOM_FILTER) {
            // The kernel takes the value to test from the value buffer: a lookup here would test
            // whatever the buffer last held.
            throw new BpfException("map " + name() + " is a BLOOM_FILTER, which has no keys to look up: test a value with"
                    + " contains(value)");
        }
        int r = BpfSyscall.mapLookupElem(fd(), keyAddress(k), value.address(), 0);
        return valueOrNull(r, "lookup");
    }

    /**
     * Looks up {@code k} and deletes it in one step; null when there is none. For QUEUE and STACK
     * maps (empty key) this pops the head.
     */
    public synchronized byte[] lookupAndDelete(byte[] k) {
        int r = BpfSyscall.mapLookupAndDeleteElem(fd(), keyAddress(k), value.address(), 0);
        return valueOrNull(r, "lookup and delete");
    }

    private byte[] valueOrNull(int r, String op) {
        if (r == -Errno.ENOENT) {
            return null;
        }
        check(r, op);
        byte[] out = new byte[valueBufferSize];
        value.get(0, out, 0, out.length);
        return out;
    }

    /**
     * Whether a BLOOM_FILTER map may hold {@code v}: false means certainly not, true means
     * probably (bloom filters have false positives, never false negatives). {@code v} is
     * {@link #valueSize()} bytes, as pushed with {@link #update}.
     */
    public synchronized boolean contains(byte[] v) {
        if (type() != MapType.BLOOM_FILTER) {
            throw new BpfException("map " + name() + " is a " + type().kernelName()
                    + ": contains(value) tests a BPF_MAP_TYPE_BLOOM_FILTER; look keys up with lookup(key)");
        }
        checkValue(v);
        value.put(0, v, 0, v.length);
        int r = BpfSyscall.mapLookupElem(fd(), 0, value.address(), 0);
        if (r == -Errno.ENOENT) {
            return false;
        }
        check(r, "contains");
        return true;
    }

    /** Copies {@code k} to the native key buffer; maps without keys (QUEUE, STACK, BLOOM_FILTER) take NULL. */
    private long keyAddress(byte[] k) {
        checkKey(k);
        if (k.length == 0) {
            return 0;
        }
        key.put(0, k, 0, k.length);
        return key.address();
    }

    /**
     * Writes {@code v} for {@code k}: {@link UpdateFlags#ANY} creates or replaces, {@code NOEXIST}
     * only creates (EEXIST when present), {@code EXIST} only replaces (ENOENT when absent); the
     * {@code *LOCK} ones write under the value's bpf_spin_lock. For QUEUE and STACK maps (empty
     * key) this pushes {@code v}; for BLOOM_FILTER maps it adds {@code v}.
     */
    public synchronized void update(byte[] k, byte[] v, UpdateFlags flags) {
        long keyAddr = keyAddress(k);
        checkValue(v);
        value.put(0, v, 0, v.length);
        check(BpfSyscall.mapUpdateElem(fd(), keyAddr, value.address(), flags.value), "update (" + flags.kernelName() + ")");
    }

    /** Deletes {@code k}; false when it was not there. */
    public synchronized boolean delete(byte[] k) {
        int r = BpfSyscall.mapDeleteElem(fd(), keyAddress(k));
        if (r == -Errno.ENOENT) {
            return false;
        }
        check(r, "delete");
        return true;
    }

    /** The key after {@code k}, the first key when {@code k} is null, or null after the last. */
    public synchronized byte[] nextKey(byte[] k) {
        long keyAddr = k == null ? 0 : keyAddress(k);
        int r = BpfSyscall.mapGetNextKey(fd(), keyAddr, nextKey.address());
        if (r == -Errno.ENOENT) {
            return null;
        }
        checkNextKey(r);
        byte[] out = new byte[info.keySize()];
        nextKey.get(0, out, 0, out.length);
        return out;
    }

    /**
     * A new allocation-free accessor with its own key/value buffers (one per thread); close it
     * (try-with-resources) to free them.
     */
    public MapCursor cursor() {
        checkOpen();
        return new MapCursor(this);
    }

    /** This map seen through codecs, e.g. {@code map.typed(MapCodec.INT, MapCodec.LONG)}. */
    public <K, V> TypedMap<K, V> typed(MapCodec<K> keys, MapCodec<V> values) {
        checkOpen();
        return new TypedMap<>(this, keys, values);
    }

    /**
     * This map with keys and values as Java records (or boxed scalars), laid out by the map's own
     * BTF: {@code stats.typed(Integer.class, DataRec.class)} for {@code xdp_stats_map}, where
     * {@code record DataRec(long rxPackets, long rxBytes)} matches {@code struct datarec}. See
     * {@link RecordCodec} for the matching rules; a mismatch is refused here, naming the field.
     * Per-CPU maps give one value per CPU through {@link TypedMap#getPerCpu}.
     *
     * @throws BpfException when the map has no BTF (legacy definitions) or a record does not match it
     */
    @SuppressWarnings("unchecked")
    public <K, V> TypedMap<K, V> typed(Class<K> keyType, Class<V> valueType) {
        checkOpen();
        KernelInfo.Map i = info();
        if (i.btfId() == 0 || i.btfValueTypeId() == 0) {
            throw new BpfException("map " + name + " carries no BTF for its value (a legacy or BTF-less definition), "
                    + "so records cannot be matched to it; use typed(MapCodec, MapCodec)");
        }
        Btf btf = Btf.parse("BTF of map " + name, KernelInfo.btfById(i.btfId()));
        MapCodec<K> keys;
        if (i.btfKeyTypeId() != 0) {
            keys = RecordCodec.of(keyType, btf, i.btfKeyTypeId(), "key of map " + name);
        } else if ((keyType == Integer.class || keyType == int.class) && keySize() == 4) {
            keys = (MapCodec<K>) MapCodec.INT; // global-data maps: BTF for the value only, a u32 index as key
        } else {
            throw new BpfException("map " + name + " has BTF for its value only (as global-data maps do); its "
                    + keySize() + "-byte key reads as Integer when it is 4 bytes, or use typed(MapCodec, MapCodec)");
        }
        return typed(keys, RecordCodec.of(valueType, btf, i.btfValueTypeId(), "value of map " + name));
    }

    /**
     * A new batch reader/writer with room for {@code capacity} entries per call (one per thread);
     * close it (try-with-resources) to free its buffers. They take
     * {@code capacity × (keySize + valueBufferSize)} bytes: for maps with large values, size it by
     * bytes with {@link #batchWithin(long)}.
     */
    public MapBatch batch(int capacity) {
        checkOpen();
        return new MapBatch(this, capacity);
    }

    /**
     * A new batch reader/writer whose key and value buffers take at most {@code bytes} (but room
     * for one entry at least, and for no more than {@link #maxEntries()}): what dumping a map with
     * large values needs, whatever its max_entries. See {@link MapBatch#capacityWithin}.
     */
    public MapBatch batchWithin(long bytes) {
        checkOpen();
        return new MapBatch(this, MapBatch.capacityWithin(keySize(), valueBufferSize(), maxEntries(), bytes));
    }

    /**
     * Maps an ARRAY created with {@link MapFlag#MMAPABLE} (global data maps are) into memory,
     * {@link MmapAccess#READ_ONLY} or {@link MmapAccess#READ_WRITE} (refused by the kernel for
     * frozen maps such as {@code .rodata}).
     */
    public MmapArray mmap(MmapAccess access) {
        checkOpen();
        return MmapArray.map(this, access);
    }

    /**
     * All keys with their values, by get_next_key + lookup (entries removed meanwhile are skipped).
     * Holds them all in memory; QUEUE, STACK and BLOOM_FILTER maps cannot be listed (BpfException).
     */
    public List<Map.Entry<byte[], byte[]>> entries() {
        List<Map.Entry<byte[], byte[]>> out = new ArrayList<>();
        byte[] k = nextKey(null);
        while (k != null) {
            byte[] v = lookup(k);
            if (v != null) {
                out.add(Map.entry(k, v));
            }
            k = nextKey(k);
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            Native.closeQuietly(fd);
            fd = -1;
        }
    }

    /** A get_next_key failure; on map types that cannot be listed, says why and how to read them. */
    void checkNextKey(int r) {
        if (r < 0) {
            String why = whyNotListable();
            throw new BpfException("map " + name() + ": get next key" + (why == null ? "" : " (" + why + ")"), -r);
        }
    }

    /**
     * Why the kernel cannot list this map's entries (no get_next_key, no batch reads), with how to
     * read it instead; null for the map types that can be listed.
     */
    String whyNotListable() {
        MapType t = type();
        return switch (t) {
            case QUEUE, STACK -> "the kernel cannot list a " + t.kernelName()
                    + " without popping it: it has no keys and no iteration; peek at the "
                    + (t == MapType.QUEUE ? "head" : "top") + " with lookup(new byte[0]) (bpftool map peek)"
                    + " or pop elements with lookupAndDelete(new byte[0]) (bpftool map pop)";
            case BLOOM_FILTER -> "a BPF_MAP_TYPE_BLOOM_FILTER keeps hashes, not elements, so there is nothing"
                    + " to list; test a value with contains(value)";
            case RINGBUF, USER_RINGBUF -> "a " + t.kernelName() + " has no keys to list; its records"
                    + " are consumed through its mmap'ed ring";
            default -> null;
        };
    }

    private void checkKey(byte[] k) {
        if (k.length != info.keySize()) {
            throw new BpfException("map " + name() + ": key is " + k.length + " bytes, expected " + info.keySize());
        }
    }

    private void checkValue(byte[] v) {
        if (v.length != valueBufferSize) {
            throw new BpfException("map " + name() + ": value is " + v.length + " bytes, expected " + valueBufferSize);
        }
    }

    private void check(int r, String op) {
        if (r < 0) {
            throw new BpfException("map " + name() + ": " + op, -r);
        }
    }

    private void checkOpen() {
        if (fd < 0) {
            throw new BpfException("map " + name() + " is closed");
        }
    }

    static boolean isPerCpu(MapType type) {
        return type == MapType.PERCPU_ARRAY || type == MapType.PERCPU_HASH || type == MapType.LRU_PERCPU_HASH
                || type == MapType.PERCPU_CGROUP_STORAGE;
    }

    private static int roundUp8(int n) {
        return (n + 7) & ~7;
    }

    @Override
    public String toString() {
        return "BpfMap[" + name() + ", id " + info.id() + ", " + info.type().kernelName() + "]";
    }
}
