package io.jbpf.xsk;

import java.nio.ByteBuffer;

/** The completion ring: UMEM frames the kernel has finished transmitting, back to this process. */
public final class CompletionRing extends XskRing.Consumer {
    CompletionRing(ByteBuffer ring, int producerOffset, int consumerOffset, int flagsOffset, int descOffset, int size) {
        super("completion", ring, producerOffset, consumerOffset, flagsOffset, descOffset, size);
    }

    /** The UMEM address of entry {@code i} of the last peek. */
    public long address(int i) {
        return ring.getLong(entry(i, XskUapi.ADDR_SIZE));
    }
}
