package io.jbpf.xdp;

import io.jbpf.common.BpfException;
import io.jbpf.uapi.ProgFlag;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The configuration of an XDP dispatcher, {@code struct xdp_dispatcher_config} of libxdp's
 * protocol version 2 (124 bytes in the dispatcher's .rodata, set before it is loaded): a magic
 * byte, the version, how many slots are in use, whether it was loaded for multi-buffer packets,
 * then per slot (ten) the chain-call actions bitmap, the run priority and the program's load
 * flags. A slot's bitmap always has bit {@link #RETVAL_BIT} too: a slot with no program returns
 * 31, so the chain goes on past it.
 *
 * @param xdpFrags whether the dispatcher was loaded with BPF_F_XDP_HAS_FRAGS
 * @param slots    the slots in use, in run order (at most {@link #MAX_SLOTS})
 */
public record DispatcherConfig(boolean xdpFrags, List<Slot> slots) {
    /** 'X' + 'D' + 'P'. */
    public static final int MAGIC = 236;
    /** The protocol version this class reads and writes. */
    public static final int VERSION = 2;
    /** Slots of a dispatcher (prog0 .. prog9). */
    public static final int MAX_SLOTS = 10;
    /** sizeof(struct xdp_dispatcher_config). */
    public static final int SIZE = 4 + 3 * 4 * MAX_SLOTS;
    /** The value an empty slot returns, whose bit every slot's chain-call bitmap has. */
    public static final int RETVAL_BIT = 31;
    private static final int CHAIN = 4;
    private static final int PRIOS = CHAIN + 4 * MAX_SLOTS;
    private static final int FLAGS = PRIOS + 4 * MAX_SLOTS;

    /**
     * One slot in use.
     *
     * @param config its program's priority and chain-call actions
     * @param flags  its program's load flags (BPF_F_XDP_HAS_FRAGS or none)
     */
    public record Slot(RunConfig config, Set<ProgFlag> flags) {
        /** Copies the flags. */
        public Slot {
            java.util.Objects.requireNonNull(config, "config");
            flags = Set.copyOf(flags);
        }
    }

    /** Checks the slot count and copies the list. */
    public DispatcherConfig {
        if (slots.size() > MAX_SLOTS) {
            throw new BpfException("an XDP dispatcher runs " + MAX_SLOTS + " programs at most, not " + slots.size()
                    + "; unload one first");
        }
        slots = List.copyOf(slots);
    }

    /** The 124 bytes the dispatcher's {@code conf} holds (little-endian, as x86-64 and arm64 are). */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) MAGIC).put(1, (byte) VERSION).put(2, (byte) slots.size()).put(3, (byte) (xdpFrags ? 1 : 0));
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            b.putInt(CHAIN + 4 * i, s.config().actionBits() | 1 << RETVAL_BIT);
            b.putInt(PRIOS + 4 * i, s.config().priority());
            b.putInt(FLAGS + 4 * i, ProgFlag.toBits(s.flags()));
        }
        return b.array();
    }

    /**
     * Reads a dispatcher's config; {@code what} names the dispatcher in errors. Refuses a value
     * that is not 124 bytes, has no magic, or another protocol version.
     */
    public static DispatcherConfig decode(byte[] value, String what) {
        if (value.length != SIZE) {
            throw new BpfException(what + ": its config is " + value.length + " bytes, not " + SIZE
                    + " (struct xdp_dispatcher_config of protocol version " + VERSION + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        int magic = Byte.toUnsignedInt(b.get(0));
        int version = Byte.toUnsignedInt(b.get(1));
        if (magic != MAGIC) {
            throw new BpfException(what + ": its config starts with " + magic + ", not the dispatcher magic " + MAGIC
                    + "; it is an older (version 1) dispatcher, which jbpf does not change: unload it with xdp-loader");
        }
        if (version != VERSION) {
            throw new BpfException(what + ": dispatcher protocol version " + version + ", jbpf knows version " + VERSION
                    + " only; use the xdp-loader that made it");
        }
        int n = Byte.toUnsignedInt(b.get(2));
        if (n > MAX_SLOTS) {
            throw new BpfException(what + ": its config says " + n + " programs, more than " + MAX_SLOTS + " slots");
        }
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int bits = b.getInt(CHAIN + 4 * i);
            slots.add(new Slot(new RunConfig(b.getInt(PRIOS + 4 * i), RunConfig.actions(bits)),
                    ProgFlag.fromBits(b.getInt(FLAGS + 4 * i))));
        }
        return new DispatcherConfig(b.get(3) != 0, slots);
    }
}
