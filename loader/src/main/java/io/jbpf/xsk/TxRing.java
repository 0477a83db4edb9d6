package io.jbpf.xsk;

import java.nio.ByteBuffer;

/** The TX ring: descriptors of packets to send, each a UMEM address and length. */
public final class TxRing extends XskRing.Producer {
    TxRing(ByteBuffer ring, int producerOffset, int consumerOffset, int flagsOffset, int descOffset, int size) {
        super("TX", ring, producerOffset, consumerOffset, flagsOffset, descOffset, size);
    }

    /** Sets entry {@code i} of the last reservation to the packet at UMEM {@code address}, {@code length} bytes long. */
    public void descriptor(int i, long address, int length) {
        int e = entry(i, XskUapi.DESC_SIZE);
        ring.putLong(e, address);
        ring.putInt(e + 8, length);
        ring.putInt(e + 12, 0);
    }
}
