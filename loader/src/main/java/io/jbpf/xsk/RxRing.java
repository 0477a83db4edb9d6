package io.jbpf.xsk;

import java.nio.ByteBuffer;

/** The RX ring: descriptors of received packets (UMEM address and length). */
public final class RxRing extends XskRing.Consumer {
    RxRing(ByteBuffer ring, int producerOffset, int consumerOffset, int flagsOffset, int descOffset, int size) {
        super("RX", ring, producerOffset, consumerOffset, flagsOffset, descOffset, size);
    }

    /** The UMEM address of the packet of entry {@code i} of the last peek (its frame plus headroom). */
    public long address(int i) {
        return ring.getLong(entry(i, XskUapi.DESC_SIZE));
    }

    /** The length in bytes of the packet of entry {@code i} of the last peek. */
    public int length(int i) {
        return ring.getInt(entry(i, XskUapi.DESC_SIZE) + 8);
    }
}
