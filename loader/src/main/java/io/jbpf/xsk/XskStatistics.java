package io.jbpf.xsk;

/**
 * An AF_XDP socket's counters ({@code struct xdp_statistics}, XDP_STATISTICS).
 *
 * @param rxDropped             packets dropped for other reasons
 * @param rxInvalidDescs        dropped for an invalid descriptor
 * @param txInvalidDescs        TX descriptors the kernel found invalid
 * @param rxRingFull            dropped because the RX ring was full
 * @param rxFillRingEmptyDescs  times the kernel found the fill ring empty
 * @param txRingEmptyDescs      times the kernel found the TX ring empty
 */
public record XskStatistics(long rxDropped, long rxInvalidDescs, long txInvalidDescs, long rxRingFull,
        long rxFillRingEmptyDescs, long txRingEmptyDescs) {
}
