package io.jbpf.xsk;

/** The size of one UMEM frame (chunk): aligned UMEMs take a power of two from 2048 to the page size. */
public enum FrameSize {
    /** 2048 bytes: two frames per 4 KiB page, enough for a 1500-byte MTU with headroom. */
    SIZE_2048(2048),
    /** 4096 bytes: one frame per page. */
    SIZE_4096(4096);

    private final int bytes;

    FrameSize(int bytes) {
        this.bytes = bytes;
    }

    /** The size in bytes. */
    public int bytes() {
        return bytes;
    }
}
