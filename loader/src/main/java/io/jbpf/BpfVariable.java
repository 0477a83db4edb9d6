package io.jbpf;

import io.jbpf.common.BpfException;
import io.jbpf.spec.VariableSpec;
import io.jbpf.uapi.UpdateFlags;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A global variable of a loaded object: a slice of its data section's single-entry array map.
 * Reads and writes go through the map (a write replaces the whole section value, so concurrent
 * writers of other variables in the same section can be lost: serialise them). Thread-safe
 * otherwise.
 */
public final class BpfVariable {
    private static final byte[] KEY = new byte[4];
    private final VariableSpec spec;
    private final BpfMap map;

    BpfVariable(VariableSpec spec, BpfMap map) {
        this.spec = spec;
        this.map = map;
    }

    public String name() {
        return spec.name();
    }

    public int size() {
        return spec.size();
    }

    /** The variable's current bytes. */
    public byte[] get() {
        byte[] section = map.lookup(KEY);
        if (section == null) {
            throw new BpfException("variable " + spec.name() + ": map " + map.name() + " has no entry 0");
        }
        return Arrays.copyOfRange(section, (int) spec.offset(), (int) spec.offset() + spec.size());
    }

    /** Writes the variable ({@code value} must be exactly its size). */
    public void set(byte[] value) {
        if (value.length != spec.size()) {
            throw new BpfException("variable " + spec.name() + " is " + spec.size() + " bytes, not " + value.length);
        }
        synchronized (map) {
            byte[] section = map.lookup(KEY);
            System.arraycopy(value, 0, section, (int) spec.offset(), value.length);
            map.update(KEY, section, UpdateFlags.ANY);
        }
    }

    /** The variable as a little-endian integer of its size (1, 2, 4 or 8 bytes). */
    public long getLong() {
        ByteBuffer b = ByteBuffer.wrap(get()).order(ByteOrder.LITTLE_ENDIAN);
        return switch (spec.size()) {
            case 1 -> Byte.toUnsignedLong(b.get(0));
            case 2 -> Short.toUnsignedLong(b.getShort(0));
            case 4 -> Integer.toUnsignedLong(b.getInt(0));
            case 8 -> b.getLong(0);
            default -> throw new BpfException("variable " + spec.name() + " is " + spec.size() + " bytes, not an integer");
        };
    }

    /** Writes the variable as a little-endian integer of its size. */
    public void setLong(long value) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        if (spec.size() > 8 || Integer.bitCount(spec.size()) != 1) {
            throw new BpfException("variable " + spec.name() + " is " + spec.size() + " bytes, not an integer");
        }
        set(Arrays.copyOf(b.array(), spec.size()));
    }
}
