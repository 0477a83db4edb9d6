package io.jbpf.uapi;

/**
 * Helper function numbers ({@code enum bpf_func_id}, the {@code BPF_FUNC_*} values of
 * {@code linux/bpf.h}) that jbpf itself refers to, for feature probes.
 */
public enum BpfFunc {
    GET_ATTACH_COOKIE(174);

    /** The kernel's numeric value. */
    public final int value;

    BpfFunc(int value) {
        this.value = value;
    }

    /** The name {@code linux/bpf.h} gives it, as in {@code BPF_FUNC_get_attach_cookie}. */
    public String kernelName() {
        return "BPF_FUNC_" + name().toLowerCase(java.util.Locale.ROOT);
    }
}
