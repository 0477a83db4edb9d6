package io.jbpf.cli;

import io.jbpf.BpfMap;
import io.jbpf.perf.PerfBuffer;
import io.jbpf.perf.PerfBufferOptions;
import io.jbpf.perf.PerfEventHandler;
import io.jbpf.ringbuf.RingBufferReader;
import io.jbpf.trace.TracePipe;
import io.jbpf.uapi.MapType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The sources {@code jbpf run} prints from: the trace pipe, one {@link RingBufferReader} for every
 * ring buffer map of the object and one {@link PerfBuffer} per perf event array. Each is read on
 * its own thread, waiting in its epoll (so a record prints as soon as it comes, with no busy
 * loop), into one {@link EventOutput}. Closing closes every reader (the maps belong to the object).
 */
final class EventReaders implements AutoCloseable {
    /** How long a reader waits in one poll: how soon it sees that the run is over. */
    private static final int POLL_MILLIS = 100;
    /** Records one poll hands over at most, so a flood does not hold a reader past the end. */
    private static final int LIMIT = 1024;

    /** One source read by one thread. */
    private interface Source {
        void poll();
    }

    private final List<String> names = new ArrayList<>();
    private final List<Source> sources = new ArrayList<>();
    private final List<AutoCloseable> readers = new ArrayList<>();
    private final EventOutput output;

    private EventReaders(EventOutput output) {
        this.output = output;
    }

    /**
     * Readers for {@code pipe} and every ring buffer and perf event array among {@code maps}, their
     * records printed through {@code output}. Opened before the programs attach, so that no record
     * is missed (a perf event array only receives once its entries are set).
     */
    static EventReaders open(TracePipe pipe, Map<String, BpfMap> maps, EventOutput output) {
        EventReaders r = new EventReaders(output);
        try {
            r.sources.add(() -> pipe.poll(POLL_MILLIS));
            RingBufferReader ring = null;
            for (BpfMap m : maps.values()) {
                String name = m.name();
                if (m.type() == MapType.RINGBUF) {
                    if (ring == null) {
                        ring = RingBufferReader.open(m, (data, off, len) -> output.ringRecord(name, data, off, len));
                        r.readers.add(ring);
                        RingBufferReader all = ring;
                        r.sources.add(() -> all.poll(POLL_MILLIS, LIMIT));
                    } else {
                        ring.add(m, (data, off, len) -> output.ringRecord(name, data, off, len));
                    }
                    r.names.add(name + " (ring buffer)");
                } else if (m.type() == MapType.PERF_EVENT_ARRAY) {
                    PerfBuffer perf = PerfBuffer.open(m, PerfBufferOptions.defaults(), new PerfEventHandler() {
                        @Override
                        public void onSample(int cpu, ByteBuffer buffer, int offset, int length) {
                            output.perfRecord(name, cpu, buffer, offset, length);
                        }

                        @Override
                        public void onLost(int cpu, long lost) {
                            output.lost(name, cpu, lost);
                        }
                    });
                    r.readers.add(perf);
                    r.sources.add(() -> perf.poll(POLL_MILLIS, LIMIT));
                    r.names.add(name + " (perf buffer)");
                }
            }
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    /** The buffers read besides the trace pipe, for the start message: {@code events (ring buffer), ...}. */
    List<String> buffers() {
        return names;
    }

    /**
     * Reads every source on its own thread until {@code endNanos} (System.nanoTime), the output's
     * count, or {@code stop}; then waits for the threads to end. A reader's failure ends the run
     * and is thrown here.
     */
    void run(long endNanos, BooleanSupplier stop) throws InterruptedException {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        AtomicBoolean over = new AtomicBoolean();
        for (Source s : sources) {
            Thread t = new Thread(() -> {
                try {
                    while (!over.get()) {
                        s.poll();
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }, "jbpf-run-reader");
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        try {
            while (!stop.getAsBoolean() && failure.get() == null) {
                long left = endNanos - System.nanoTime();
                if (left <= 0 || output.awaitFull(Math.min(left, POLL_MILLIS * 1_000_000L))) {
                    break;
                }
            }
        } finally {
            over.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /** Closes the readers (not the trace pipe, which the caller opened). */
    @Override
    public void close() {
        RuntimeException first = null;
        for (AutoCloseable c : readers) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
