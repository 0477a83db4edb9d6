package io.jbpf.bench;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.MemoryIO;
import io.jbpf.BpfMap;
import io.jbpf.BpfObject;
import io.jbpf.BpfProgram;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.perf.PerfBuffer;
import io.jbpf.perf.PerfBufferOptions;
import io.jbpf.perf.PerfEventHandler;
import io.jbpf.ringbuf.RecordHandler;
import io.jbpf.ringbuf.RingBufferReader;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Records consumed from a ring buffer and from a perf buffer: jbpf's readers
 * ({@link RingBufferReader#consume}, {@link PerfBuffer#consume}) beside libbpf's
 * ({@code ring_buffer__consume}, {@code perf_buffer__consume}, in {@code bench/c/events.c},
 * entered through jffi once per drain), alternating in one process as {@link Paired} does.
 *
 * <p>Each round fills one side's buffer with N records (hooks/jbe_events.o's jbe_emit, run by
 * BPF_PROG_TEST_RUN on CPU 0, so every perf record lands in CPU 0's ring; not timed) and times
 * one drain of it, then the same for the other side, in turn which goes first. Each side has its
 * own map (a perf buffer reader writes its event fds into the map; a ring buffer's consumer
 * position lives in it). Both handlers do the same work: add the record's first u64 (its sequence
 * number) to a sum and count the record; both readers visit every CPU's ring. A round in which
 * either side did not get exactly the N records, with the right sum, and nothing lost is an error,
 * not a data point. jbpf's allocation is measured around its drains
 * (ThreadMXBean#getThreadAllocatedBytes). bench/run.sh runs it on CPU 0 (taskset), where the
 * producer runs, so that every drain reads data in the same place.
 *
 * <pre>java -Djbpf.bench.bpfBuild=DIR -cp benchmarks.jar io.jbpf.bench.Events LIBJBPFEVENTS.so [--quick]</pre>
 *
 * prints, per benchmark: {@code events/KIND/consume-SIZEB jbpf_ns c_ns ratio_median ratio_p25
 * ratio_p75 rounds jbpf_bytes_per_event events_per_drain}, ns per event, medians over the rounds.
 */
public final class Events {
    /**
     * Enough for every path of the readers to run before the measured rounds, a perf ring's
     * wrap-around copy included (every 16th round at 16 B): a path first taken after the JIT
     * compiled the loop deoptimizes it, and the deoptimization shows as bytes allocated.
     */
    private static final int WARMUP_ROUNDS = 40;
    /** Data pages per CPU of both perf buffers: 8 MiB with 4 KiB pages, room for one round's records. */
    private static final int PERF_PAGES = 2048;
    private static final int CPU = 0;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final Invoker invoker = Invoker.getInstance();
    private final CallContext ctx1 = Paired.context(1);
    private final CallContext ctx2 = Paired.context(2);
    private final long ringbufNew;
    private final long perfbufNew;
    private final long drain;
    private final long free;
    private final int rounds;
    private final BpfProgram emit;
    private final NativeMemory emitCtx = Native.allocate(32);
    /** count, sum, lost of C's last drain. */
    private final ByteBuffer cOut = ByteBuffer.allocateDirect(24).order(ByteOrder.nativeOrder());
    private final long cOutAddr = MemoryIO.getInstance().getDirectBufferAddress(cOut);

    /** jbpf's handler: the same work as C's callbacks. */
    static final class Sum implements RecordHandler, PerfEventHandler {
        long count;
        long sum;

        @Override
        public void onRecord(ByteBuffer data, int offset, int length) {
            sum += data.getLong(offset);
            count++;
        }

        @Override
        public void onSample(int cpu, ByteBuffer buffer, int offset, int length) {
            sum += buffer.getLong(offset);
            count++;
        }
    }

    private Events(Library lib, BpfProgram emit, int rounds) {
        this.ringbufNew = lib.getSymbolAddress("jbe_ringbuf_new");
        this.perfbufNew = lib.getSymbolAddress("jbe_perfbuf_new");
        this.drain = lib.getSymbolAddress("jbe_drain");
        this.free = lib.getSymbolAddress("jbe_free");
        this.emit = emit;
        this.rounds = rounds;
    }

    public static void main(String[] args) {
        boolean quick = args.length > 1 && args[1].equals("--quick");
        Library lib = Paired.library(args[0]);
        try (BpfObject obj = BpfObject.load(object())) {
            Events e = new Events(lib, obj.program("jbe_emit"), Integer.getInteger("jbpf.bench.rounds", quick ? 41 : 101));
            // -Djbpf.bench.events=REGEX runs only the rows it finds (for profiling one reader).
            java.util.regex.Pattern only = java.util.regex.Pattern.compile(System.getProperty("jbpf.bench.events", ""));
            for (int size : new int[] {16, 256}) {
                if (only.matcher("ringbuf/consume-" + size + "B").find()) {
                    e.ringbuf(size, obj.map("jbe_rb_j"), obj.map("jbe_rb_c"));
                }
            }
            for (int size : new int[] {16, 256}) {
                if (only.matcher("perfbuf/consume-" + size + "B").find()) {
                    e.perfbuf(size, obj.map("jbe_pb_j"), obj.map("jbe_pb_c"));
                }
            }
        }
    }

    private static Path object() {
        String dir = System.getProperty("jbpf.bench.bpfBuild", "bpf-src/build");
        Path p = Path.of(dir, "hooks", "jbe_events.o");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " missing: build bpf-src (make -C bpf-src) or set -Djbpf.bench.bpfBuild");
        }
        return p;
    }

    /**
     * Records per drain: a drain of 0.1 to 1 ms, few enough to fit the buffers. Fewer for perf
     * buffers, whose fill costs several µs per record here (bpf_perf_event_output through
     * BPF_PROG_TEST_RUN), against a fraction of one for a ring buffer.
     */
    private static int events(String kind, int size) {
        return (size <= 16 ? 65_536 : 16_384) / (kind.equals("perfbuf") ? 4 : 1);
    }

    /** Sum of the sequence numbers first .. first + n - 1. */
    private static long expectedSum(long first, int n) {
        return n * first + (long) n * (n - 1) / 2;
    }

    /** Runs jbe_emit on CPU 0: n records of size bytes numbered from first, into map target. */
    private void fill(int target, long first, int n, int size) {
        emitCtx.putLong(0, n);
        emitCtx.putLong(8, first);
        emitCtx.putLong(16, size);
        emitCtx.putLong(24, target);
        BpfSyscall.TestRunResult r = BpfSyscall.progTestRunOnCpu(emit.fd(), emitCtx.address(), 32, CPU);
        Reference.reachabilityFence(emitCtx);
        if (r.error() != 0 || r.retval() != 0) {
            throw new IllegalStateException("jbe_emit into map " + target + ": error " + r.error() + ", "
                    + r.retval() + " records refused (buffer full)");
        }
    }

    private void ringbuf(int size, BpfMap jMap, BpfMap cMap) {
        Sum sum = new Sum();
        long handle = check("ring_buffer__new", invoker.invokeN1(ctx1, ringbufNew, cMap.fd()));
        try (RingBufferReader reader = RingBufferReader.open(jMap, sum)) {
            measure("ringbuf/consume-" + size + "B", size, 0, 1, sum, () -> reader.consume(Integer.MAX_VALUE), () -> 0,
                    handle);
        } finally {
            invoker.invokeN1(ctx1, free, handle);
        }
    }

    private void perfbuf(int size, BpfMap jMap, BpfMap cMap) {
        Sum sum = new Sum();
        long handle = check("perf_buffer__new", invoker.invokeN2(ctx2, perfbufNew, cMap.fd(), PERF_PAGES));
        try (PerfBuffer reader = PerfBuffer.open(jMap, PerfBufferOptions.pages(PERF_PAGES), sum)) {
            measure("perfbuf/consume-" + size + "B", size, 2, 3, sum, () -> reader.consume(Integer.MAX_VALUE),
                    reader::lost, handle);
        } finally {
            invoker.invokeN1(ctx1, free, handle);
        }
    }

    private static long check(String what, long r) {
        if (r < 0) {
            throw new IllegalStateException(what + " failed: errno " + -r);
        }
        return r;
    }

    /**
     * The rounds of one benchmark: jbpf's drain (jConsume, into sum) and C's (handle), each right
     * after its own fill; prints the row.
     */
    private void measure(String row, int size, int jTarget, int cTarget, Sum sum, LongSupplier jConsume,
            LongSupplier jLost, long handle) {
        int n = events(row.substring(0, row.indexOf('/')), size);
        long started = System.nanoTime();
        long filling = 0;
        long fillingJ = 0;
        long tid = Thread.currentThread().getId();
        double[] ratio = new double[rounds];
        double[] j = new double[rounds];
        double[] k = new double[rounds];
        long allocated = 0;
        long seq = 0;
        for (int r = -WARMUP_ROUNDS; r < rounds; r++) {
            long tj = 0;
            long tc = 0;
            long aj = 0;
            for (int side = 0; side < 2; side++) {
                boolean jbpfNow = (side == 0) == ((r & 1) == 0);
                long first = seq;
                seq += n;
                long f0 = System.nanoTime();
                fill(jbpfNow ? jTarget : cTarget, first, n, size);
                filling += System.nanoTime() - f0;
                if (jbpfNow) {
                    fillingJ += System.nanoTime() - f0;
                }
                if (jbpfNow) {
                    sum.count = 0;
                    sum.sum = 0;
                    long lostBefore = jLost.getAsLong();
                    long a0 = THREADS.getThreadAllocatedBytes(tid);
                    long t0 = System.nanoTime();
                    long got = jConsume.getAsLong();
                    tj = System.nanoTime() - t0;
                    aj = THREADS.getThreadAllocatedBytes(tid) - a0;
                    verify(row, "jbpf", n, first, got, sum.count, sum.sum, jLost.getAsLong() - lostBefore);
                } else {
                    tc = check(row + ": C drain", invoker.invokeN2(ctx2, drain, handle, cOutAddr));
                    verify(row, "C", n, first, cOut.getLong(0), cOut.getLong(0), cOut.getLong(8), cOut.getLong(16));
                }
            }
            if (r >= 0) {
                j[r] = (double) tj / n;
                k[r] = (double) tc / n;
                ratio[r] = j[r] / k[r];
                allocated += aj;
            }
        }
        System.err.printf(Locale.ROOT, "%s: %.1f s, of which filling %.1f s (jbpf's %.1f s)%n", row,
                (System.nanoTime() - started) / 1e9, filling / 1e9, fillingJ / 1e9);
        Arrays.sort(ratio);
        Arrays.sort(j);
        Arrays.sort(k);
        System.out.printf(Locale.ROOT, "events/%s %.3f %.3f %.4f %.4f %.4f %d %.4f %d%n", row, j[rounds / 2],
                k[rounds / 2], ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4], rounds,
                (double) allocated / ((long) rounds * n), n);
    }

    private static void verify(String row, String side, int n, long first, long returned, long count, long sum,
            long lost) {
        if (returned != n || count != n || sum != expectedSum(first, n) || lost != 0) {
            throw new IllegalStateException(row + ": " + side + " consumed " + returned + " (handler saw " + count
                    + ", sum " + sum + ", expected " + n + " records summing to " + expectedSum(first, n) + "), "
                    + lost + " lost: a round that loses records is no data point");
        }
    }
}
