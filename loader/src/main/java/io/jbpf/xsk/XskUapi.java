package io.jbpf.xsk;

/**
 * AF_XDP's kernel constants and struct layouts ({@code linux/if_xdp.h}), in one place. Offsets are
 * bytes into the structs; every field is in the machine's byte order.
 */
final class XskUapi {
    static final int AF_XDP = 44;
    static final int SOL_XDP = 283;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;

    // socket options at SOL_XDP
    static final int XDP_MMAP_OFFSETS = 1;
    static final int XDP_RX_RING = 2;
    static final int XDP_TX_RING = 3;
    static final int XDP_UMEM_REG = 4;
    static final int XDP_UMEM_FILL_RING = 5;
    static final int XDP_UMEM_COMPLETION_RING = 6;
    static final int XDP_STATISTICS = 7;

    // sockaddr_xdp.sxdp_flags
    static final int XDP_SHARED_UMEM = 1;
    static final int XDP_COPY = 1 << 1;
    static final int XDP_ZEROCOPY = 1 << 2;
    static final int XDP_USE_NEED_WAKEUP = 1 << 3;

    /** The flags word of a ring: the kernel sets it when it needs a system call to make progress. */
    static final int XDP_RING_NEED_WAKEUP = 1;

    // mmap offsets of the four rings
    static final long XDP_PGOFF_RX_RING = 0;
    static final long XDP_PGOFF_TX_RING = 0x80000000L;
    static final long XDP_UMEM_PGOFF_FILL_RING = 0x100000000L;
    static final long XDP_UMEM_PGOFF_COMPLETION_RING = 0x180000000L;

    /** struct sockaddr_xdp: u16 family, u16 flags, u32 ifindex, u32 queue_id, u32 shared_umem_fd. */
    static final int SOCKADDR_XDP_SIZE = 16;
    static final int SXDP_FAMILY = 0;
    static final int SXDP_FLAGS = 2;
    static final int SXDP_IFINDEX = 4;
    static final int SXDP_QUEUE_ID = 8;
    static final int SXDP_SHARED_UMEM_FD = 12;

    /**
     * struct xdp_umem_reg: u64 addr, u64 len, u32 chunk_size, u32 headroom, u32 flags (u32
     * tx_metadata_len since 6.8, left 0). 32 bytes is what the kernel's own struct measures.
     */
    static final int UMEM_REG_SIZE = 32;
    static final int UMEM_REG_ADDR = 0;
    static final int UMEM_REG_LEN = 8;
    static final int UMEM_REG_CHUNK_SIZE = 16;
    static final int UMEM_REG_HEADROOM = 20;

    /**
     * struct xdp_mmap_offsets: four struct xdp_ring_offset {u64 producer, consumer, desc, flags},
     * for rx, tx, fill, completion in that order.
     */
    static final int MMAP_OFFSETS_SIZE = 128;
    static final int RING_OFFSET_SIZE = 32;
    static final int OFF_RX = 0;
    static final int OFF_TX = 32;
    static final int OFF_FILL = 64;
    static final int OFF_COMPLETION = 96;
    static final int OFF_PRODUCER = 0;
    static final int OFF_CONSUMER = 8;
    static final int OFF_DESC = 16;
    static final int OFF_FLAGS = 24;

    /** struct xdp_statistics: six u64 counters. */
    static final int STATISTICS_SIZE = 48;

    /** struct xdp_desc: u64 addr, u32 len, u32 options (RX and TX rings). */
    static final int DESC_SIZE = 16;
    /** Fill and completion rings hold bare u64 UMEM addresses. */
    static final int ADDR_SIZE = 8;

    private XskUapi() {
    }
}
