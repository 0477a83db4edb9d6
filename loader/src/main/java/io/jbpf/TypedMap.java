package io.jbpf;

import io.jbpf.common.BpfException;
import io.jbpf.uapi.UpdateFlags;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A map seen through codecs: {@code TypedMap<Integer, Long>} for an array of counters. Convenient
 * rather than fast (values are boxed); the allocation-free path is {@link MapCursor}. Per-CPU
 * maps give one value per possible CPU ({@link #getPerCpu}). Thread-safe: calls serialise on
 * the view's cursor. Closing the view frees that cursor's native buffers, not the map.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class TypedMap<K, V> implements AutoCloseable {
    private final BpfMap map;
    private final MapCodec<K> keys;
    private final MapCodec<V> values;
    private final MapCursor cursor;
    private final int slot;

    TypedMap(BpfMap map, MapCodec<K> keys, MapCodec<V> values) {
        if (keys.size() != map.keySize() || values.size() != map.valueSize()) {
            throw new BpfException("map " + map.name() + " has key " + map.keySize() + " B and value " + map.valueSize()
                    + " B; the codecs encode " + keys.size() + " B and " + values.size() + " B");
        }
        this.map = map;
        this.keys = keys;
        this.values = values;
        this.cursor = map.cursor();
        this.slot = map.perCpu() ? map.valueStride() : map.valueSize();
    }

    /** The value for {@code key} (the first CPU's, for per-CPU maps), or null when absent. */
    public synchronized V get(K key) {
        keys.write(key, cursor.key(), 0);
        return cursor.lookup() ? values.read(cursor.value(), 0) : null;
    }

    /** One value per possible CPU for {@code key}, or null when absent. */
    public synchronized List<V> getPerCpu(K key) {
        keys.write(key, cursor.key(), 0);
        if (!cursor.lookup()) {
            return null;
        }
        List<V> out = new ArrayList<>();
        for (int off = 0; off < map.valueBufferSize(); off += slot) {
            out.add(values.read(cursor.value(), off));
        }
        return out;
    }

    /** Sets {@code key} to {@code value} (on every CPU, for per-CPU maps). */
    public synchronized void put(K key, V value) {
        keys.write(key, cursor.key(), 0);
        for (int off = 0; off < map.valueBufferSize(); off += slot) {
            values.write(value, cursor.value(), off);
        }
        cursor.update(UpdateFlags.ANY);
    }

    /** Deletes {@code key}; false when it was absent. */
    public synchronized boolean remove(K key) {
        keys.write(key, cursor.key(), 0);
        return cursor.delete();
    }

    /** Calls {@code action} for every entry (the first CPU's value, for per-CPU maps). */
    public synchronized void forEach(BiConsumer<K, V> action) {
        cursor.rewind();
        while (cursor.next()) {
            if (cursor.lookup()) {
                action.accept(keys.read(cursor.key(), 0), values.read(cursor.value(), 0));
            }
        }
    }

    /** Frees the view's cursor (its native buffers); the map stays open. Calls after this fail. */
    @Override
    public synchronized void close() {
        cursor.close();
    }
}
