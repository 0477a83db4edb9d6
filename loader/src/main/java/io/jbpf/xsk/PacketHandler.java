package io.jbpf.xsk;

import java.nio.ByteBuffer;

/** Receives packets from {@link XskSocket#receive}; the packet is valid only during the call. */
@FunctionalInterface
public interface PacketHandler {
    /**
     * One packet: bytes {@code offset .. offset+length-1} of {@code umem} (the UMEM's
     * {@link Umem#buffer()}; absolute gets, do not keep it).
     */
    void onPacket(ByteBuffer umem, int offset, int length);
}
