package io.jbpf.uapi;

import java.util.Set;

/**
 * The {@code BPF_F_*} flags of {@code BPF_PROG_LOAD} ({@code prog_flags}) from {@code linux/bpf.h}.
 * A program's flags are a set of these; {@link #toBits} gives the kernel's mask. Constants drop the
 * {@code BPF_F_} prefix; {@link #kernelName()} gives it back.
 */
public enum ProgFlag {
    /** The verifier checks alignment as on an architecture without efficient unaligned access. */
    STRICT_ALIGNMENT(1 << 0),
    /** The verifier skips its alignment checks (for tests, says the kernel). */
    ANY_ALIGNMENT(1 << 1),
    /** The verifier randomises the upper 32 bits of zero-extended registers (for tests). */
    TEST_RND_HI32(1 << 2),
    /** The verifier prunes states more often (for tests). */
    TEST_STATE_FREQ(1 << 3),
    /** The program may sleep: {@code fentry.s}, {@code lsm.s}, {@code syscall} ... sections. */
    SLEEPABLE(1 << 4),
    /** An XDP program that handles multi-buffer packets: {@code xdp.frags} sections. */
    XDP_HAS_FRAGS(1 << 5);

    /** The kernel's bit. */
    public final int value;

    ProgFlag(int value) {
        this.value = value;
    }

    /** The name {@code linux/bpf.h} gives it: this constant's name with the {@code BPF_F_} prefix. */
    public String kernelName() {
        return "BPF_F_" + name();
    }

    /** The kernel's bit mask for {@code flags} (0 for none). */
    public static int toBits(Set<ProgFlag> flags) {
        int bits = 0;
        for (ProgFlag f : flags) {
            bits |= f.value;
        }
        return bits;
    }

    /** The flags of kernel mask {@code bits}; bits of no flag here are left out. */
    public static Set<ProgFlag> fromBits(int bits) {
        java.util.EnumSet<ProgFlag> out = java.util.EnumSet.noneOf(ProgFlag.class);
        for (ProgFlag f : values()) {
            if ((bits & f.value) != 0) {
                out.add(f);
            }
        }
        return out;
    }
}
