package io.jbpf.uapi;

/**
 * The verifier's {@code log_level} of {@code BPF_PROG_LOAD} from the kernel's
 * {@code include/linux/bpf_verifier.h}: {@code BPF_LOG_LEVEL1} (the usual log: the instructions
 * walked and why the program was rejected), {@code BPF_LOG_LEVEL2} (also the register state at
 * every instruction: large) and {@code BPF_LOG_STATS} (counts of what the verifier did), alone or
 * with either level. One constant per accepted combination. Constants drop the {@code BPF_LOG_}
 * prefix; {@link #kernelName()} spells the kernel's expression.
 */
public enum VerifierLogLevel {
    /** {@code BPF_LOG_LEVEL1}. */
    LEVEL1(1),
    /** {@code BPF_LOG_LEVEL2}. */
    LEVEL2(2),
    /** {@code BPF_LOG_STATS}. */
    STATS(4),
    /** {@code BPF_LOG_LEVEL1 | BPF_LOG_STATS}. */
    LEVEL1_STATS(1 | 4),
    /** {@code BPF_LOG_LEVEL2 | BPF_LOG_STATS}. */
    LEVEL2_STATS(2 | 4);

    /** The kernel's {@code log_level} value. */
    public final int value;

    VerifierLogLevel(int value) {
        this.value = value;
    }

    /** How the kernel writes it: {@code "BPF_LOG_LEVEL2 | BPF_LOG_STATS"}. */
    public String kernelName() {
        return switch (this) {
            case LEVEL1 -> "BPF_LOG_LEVEL1";
            case LEVEL2 -> "BPF_LOG_LEVEL2";
            case STATS -> "BPF_LOG_STATS";
            case LEVEL1_STATS -> "BPF_LOG_LEVEL1 | BPF_LOG_STATS";
            case LEVEL2_STATS -> "BPF_LOG_LEVEL2 | BPF_LOG_STATS";
        };
    }
}
