package io.jbpf.perf;

/**
 * Records in a perf ring (linux/perf_event.h): {@code struct perf_event_header} (u32 type, u16
 * misc, u16 size, the size counting the header), then the record's body. The kernel keeps records
 * 8-byte aligned with sizes that are multiples of 8, so a header never wraps around the ring's end
 * (a body may).
 */
final class PerfRecordLayout {
    static final int TYPE = 0;
    static final int MISC = 4;
    static final int SIZE = 6;
    static final int HEADER_SIZE = 8;

    /** PERF_RECORD_LOST: u64 id, u64 lost (records the kernel could not write). */
    static final int PERF_RECORD_LOST = 2;
    static final int LOST_ID = 8;
    static final int LOST_COUNT = 16;

    /**
     * PERF_RECORD_SAMPLE with sample_type PERF_SAMPLE_RAW only: u32 size, then the raw bytes
     * (padded by the kernel so that the record's size is a multiple of 8).
     */
    static final int PERF_RECORD_SAMPLE = 9;
    static final int RAW_SIZE = 8;
    static final int RAW_DATA = 12;

    private PerfRecordLayout() {
    }
}
