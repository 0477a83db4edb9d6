package io.jbpf.uapi;

/**
 * The {@code flags} of {@code BPF_MAP_UPDATE_ELEM} from {@code linux/bpf.h}: whether an update may
 * create the entry, replace it, or both, and whether it writes under the value's
 * {@code bpf_spin_lock} ({@code BPF_F_LOCK}). One constant per combination the kernel accepts,
 * so that no invalid mask can be passed. Constants drop the {@code BPF_} prefix;
 * {@link #kernelName()} spells the kernel's expression.
 */
public enum UpdateFlags {
    /** {@code BPF_ANY}: create the entry or replace it. */
    ANY(0),
    /** {@code BPF_NOEXIST}: create the entry; EEXIST when it is there (arrays always refuse). */
    NOEXIST(1),
    /** {@code BPF_EXIST}: replace the entry; ENOENT when it is not there. */
    EXIST(2),
    /** {@code BPF_F_LOCK} (with BPF_ANY): create or replace, copying the value under its bpf_spin_lock. */
    LOCK(4),
    /** {@code BPF_NOEXIST | BPF_F_LOCK}: create only, under the value's bpf_spin_lock. */
    NOEXIST_LOCK(1 | 4),
    /** {@code BPF_EXIST | BPF_F_LOCK}: replace only, under the value's bpf_spin_lock. */
    EXIST_LOCK(2 | 4);

    /** The kernel's flags value. */
    public final long value;

    UpdateFlags(long value) {
        this.value = value;
    }

    /** Whether these flags carry {@code BPF_F_LOCK}. */
    public boolean locked() {
        return (value & LOCK.value) != 0;
    }

    /** How {@code linux/bpf.h} writes it: {@code "BPF_EXIST | BPF_F_LOCK"}. */
    public String kernelName() {
        return switch (this) {
            case ANY -> "BPF_ANY";
            case NOEXIST -> "BPF_NOEXIST";
            case EXIST -> "BPF_EXIST";
            case LOCK -> "BPF_F_LOCK";
            case NOEXIST_LOCK -> "BPF_NOEXIST | BPF_F_LOCK";
            case EXIST_LOCK -> "BPF_EXIST | BPF_F_LOCK";
        };
    }
}
