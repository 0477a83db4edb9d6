package io.jbpf.perf;

/**
 * Offsets in {@code struct perf_event_mmap_page} (linux/perf_event.h), the first page of a perf
 * event's ring: the kernel publishes {@code data_head} there and the reader {@code data_tail}.
 * The data area follows at {@code data_offset} (one page since Linux 4.1, and jbpf maps it so).
 */
final class PerfEventMmapPage {
    /** u64 data_head: where the kernel will write next; read with acquire ordering. */
    static final int DATA_HEAD = 1024;
    /** u64 data_tail: how far the reader has consumed; written with release ordering. */
    static final int DATA_TAIL = 1032;
    /** u64 data_offset: where the data area starts in the mapping. */
    static final int DATA_OFFSET = 1040;
    /** u64 data_size: the data area's size, a power of two. */
    static final int DATA_SIZE = 1048;

    private PerfEventMmapPage() {
    }
}
