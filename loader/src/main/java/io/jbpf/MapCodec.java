package io.jbpf;

import java.nio.ByteBuffer;

/**
 * Turns Java values into map keys or values and back, for {@link TypedMap}. {@link #size()} is
 * the encoded size in bytes; buffers are little-endian, as the kernel lays values out here.
 * The codecs here hold no state and are thread-safe; a {@link TypedMap} needs the same of its own.
 *
 * @param <T> the Java type
 */
public interface MapCodec<T> {
    /** Encoded size in bytes. */
    int size();

    /** Writes {@code value} at {@code offset} of {@code dst}. */
    void write(T value, ByteBuffer dst, int offset);

    /** Reads a value at {@code offset} of {@code src}. */
    T read(ByteBuffer src, int offset);

    /** A {@code __u32}/{@code int} key or value. */
    MapCodec<Integer> INT = new MapCodec<>() {
        @Override
        public int size() {
            return 4;
        }

        @Override
        public void write(Integer value, ByteBuffer dst, int offset) {
            dst.putInt(offset, value);
        }

        @Override
        public Integer read(ByteBuffer src, int offset) {
            return src.getInt(offset);
        }
    };

    /** A {@code __u64}/{@code long} key or value. */
    MapCodec<Long> LONG = new MapCodec<>() {
        @Override
        public int size() {
            return 8;
        }

        @Override
        public void write(Long value, ByteBuffer dst, int offset) {
            dst.putLong(offset, value);
        }

        @Override
        public Long read(ByteBuffer src, int offset) {
            return src.getLong(offset);
        }
    };

    /** Raw bytes of a fixed size. */
    static MapCodec<byte[]> bytes(int size) {
        return new MapCodec<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public void write(byte[] value, ByteBuffer dst, int offset) {
                if (value.length != size) {
                    throw new IllegalArgumentException(value.length + " bytes where " + size + " are expected");
                }
                dst.put(offset, value);
            }

            @Override
            public byte[] read(ByteBuffer src, int offset) {
                byte[] out = new byte[size];
                src.get(offset, out);
                return out;
            }
        };
    }
}
