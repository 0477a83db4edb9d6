package io.jbpf.xsk;

/** How an AF_XDP socket is bound ({@code sockaddr_xdp.sxdp_flags}); XDP_SHARED_UMEM is set by jbpf itself. */
public enum BindFlag {
    /** XDP_COPY: packets are copied into the UMEM; works on every device with XDP (veth included). */
    COPY(XskUapi.XDP_COPY),
    /** XDP_ZEROCOPY: the driver receives straight into the UMEM; only drivers with AF_XDP zero-copy support (not veth). */
    ZERO_COPY(XskUapi.XDP_ZEROCOPY),
    /**
     * XDP_USE_NEED_WAKEUP: the kernel sets a flag on the fill and TX rings when it needs a system
     * call to go on, and the socket makes that call only then (instead of on every batch).
     */
    USE_NEED_WAKEUP(XskUapi.XDP_USE_NEED_WAKEUP);

    final int bit;

    BindFlag(int bit) {
        this.bit = bit;
    }
}
