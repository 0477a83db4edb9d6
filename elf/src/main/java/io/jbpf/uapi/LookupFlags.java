package io.jbpf.uapi;

/**
 * The {@code flags} of {@code BPF_MAP_LOOKUP_ELEM} from {@code linux/bpf.h}. A plain lookup takes
 * none (the lookup methods without flags); the kernel knows one flag for it. Constants drop the
 * {@code BPF_F_} prefix; {@link #kernelName()} gives it back.
 */
public enum LookupFlags {
    /** {@code BPF_F_LOCK}: copy the value out under its {@code bpf_spin_lock}. */
    LOCK(4);

    /** The kernel's flags value. */
    public final long value;

    LookupFlags(long value) {
        this.value = value;
    }

    /** The name {@code linux/bpf.h} gives it: {@code BPF_F_LOCK}. */
    public String kernelName() {
        return "BPF_F_" + name();
    }
}
