package io.jbpf.uapi;

/**
 * Helper function numbers ({@code enum bpf_func_id}, the {@code BPF_FUNC_*} values of
 * {@code linux/bpf.h}) that jbpf itself refers to, for feature probes.
 */
public enum BpfFunc {
    BPF_FUNC_get_attach_cookie(174);

    public final int value;

    BpfFunc(int value) {
        this.value = value;
    }
}
