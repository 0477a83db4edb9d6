package io.jbpf.xsk;

import java.nio.ByteBuffer;

/** The fill ring: UMEM frames this process gives the kernel to receive packets into. */
public final class FillRing extends XskRing.Producer {
    FillRing(ByteBuffer ring, int producerOffset, int consumerOffset, int flagsOffset, int descOffset, int size) {
        super("fill", ring, producerOffset, consumerOffset, flagsOffset, descOffset, size);
    }

    /** Sets entry {@code i} of the last reservation to the UMEM address {@code address}. */
    public void address(int i, long address) {
        ring.putLong(entry(i, XskUapi.ADDR_SIZE), address);
    }
}
