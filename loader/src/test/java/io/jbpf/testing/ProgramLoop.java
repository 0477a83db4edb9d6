package io.jbpf.testing;

import io.jbpf.BpfProgram;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs programs with BPF_PROG_TEST_RUN in a background thread until closed: call {@code i} runs
 * {@code programs[i % n]} on {@code packets[i % packets.size()]} with {@code repeat}. Counts the
 * runs per program and per packet; {@link #close()} stops, joins and rethrows the first failure.
 */
public final class ProgramLoop implements AutoCloseable {
    private final List<BpfProgram> programs;
    private final List<byte[]> packets;
    private final int repeat;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLongArray runsPerProgram;
    private final AtomicLongArray runsPerPacket;
    private final CountDownLatch started = new CountDownLatch(1);
    private final Thread thread;

    public ProgramLoop(List<BpfProgram> programs, List<byte[]> packets, int repeat, int expectedRetval) {
        this.programs = programs;
        this.packets = packets;
        this.repeat = repeat;
        this.runsPerProgram = new AtomicLongArray(programs.size());
        this.runsPerPacket = new AtomicLongArray(packets.size());
        this.thread = new Thread(() -> loop(expectedRetval), "bpf-writer");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(int expectedRetval) {
        try {
            long i = 0;
            while (!stop.get()) {
                int p = (int) (i % programs.size());
                int k = (int) (i % packets.size());
                int r = programs.get(p).testRun(packets.get(k), null, repeat).retval();
                if (r != expectedRetval) {
                    throw new AssertionError(programs.get(p).name() + " returned " + r + ", expected " + expectedRetval);
                }
                runsPerProgram.addAndGet(p, repeat);
                runsPerPacket.addAndGet(k, repeat);
                started.countDown();
                i++;
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        } finally {
            started.countDown();
        }
    }

    /** Waits until the first call has completed (so the maps are known to change). */
    public void awaitFirstRun() throws InterruptedException {
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("writer did not complete a run within 10 s");
        }
        rethrow();
    }

    /** Program runs so far (calls x repeat) of program {@code i}. */
    public long runsOfProgram(int i) {
        return runsPerProgram.get(i);
    }

    /** Program runs so far (calls x repeat) on packet {@code i}. */
    public long runsOnPacket(int i) {
        return runsPerPacket.get(i);
    }

    public boolean alive() {
        return thread.isAlive();
    }

    public void rethrow() {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("writer thread failed: " + t, t);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(TimeUnit.SECONDS.toMillis(30));
        if (thread.isAlive()) {
            throw new AssertionError("writer thread did not stop");
        }
        rethrow();
    }
}
