package io.jbpf.perf;

/**
 * How a {@link PerfBuffer} sets up each CPU's ring.
 *
 * @param pagesPerCpu    data pages of each CPU's ring, a power of two (the ring maps one more,
 *                       the meta page); a record can be at most 64 KiB, and at most the ring
 * @param wakeupEvents   wake the reader after this many records (PERF_EVENT_ATTR wakeup_events),
 *                       or 0 when {@code wakeupBytes} is used
 * @param wakeupBytes    wake the reader once this many bytes are waiting (the watermark), or 0
 *                       when {@code wakeupEvents} is used
 */
public record PerfBufferOptions(int pagesPerCpu, int wakeupEvents, int wakeupBytes) {
    /** 64 data pages per CPU (256 KiB with 4 KiB pages), as libbpf's users often choose. */
    public static final int DEFAULT_PAGES = 64;

    /** Validates: one wakeup rule, a power-of-two page count. */
    public PerfBufferOptions {
        if (pagesPerCpu < 1 || Integer.bitCount(pagesPerCpu) != 1) {
            throw new IllegalArgumentException("pagesPerCpu " + pagesPerCpu + " is not a power of two");
        }
        if ((wakeupEvents > 0) == (wakeupBytes > 0) || wakeupEvents < 0 || wakeupBytes < 0) {
            throw new IllegalArgumentException("give one of wakeupEvents (" + wakeupEvents + ") and wakeupBytes ("
                    + wakeupBytes + "), positive");
        }
    }

    /** {@link #DEFAULT_PAGES} pages per CPU, the reader woken for every record. */
    public static PerfBufferOptions defaults() {
        return new PerfBufferOptions(DEFAULT_PAGES, 1, 0);
    }

    /** {@code pages} data pages per CPU (a power of two), the reader woken for every record. */
    public static PerfBufferOptions pages(int pages) {
        return new PerfBufferOptions(pages, 1, 0);
    }

    /** The same rings, the reader woken after {@code events} records. */
    public PerfBufferOptions wakeupEvery(int events) {
        return new PerfBufferOptions(pagesPerCpu, events, 0);
    }

    /** The same rings, the reader woken once {@code bytes} bytes are waiting (fewer wakeups under load). */
    public PerfBufferOptions wakeupAtBytes(int bytes) {
        return new PerfBufferOptions(pagesPerCpu, 0, bytes);
    }
}
