package io.jbpf.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.jbpf.common.BpfException;
import io.jbpf.testing.BpfObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Damaged objects end in a result or a {@link BpfException}, never in another exception, a hang or
 * a huge allocation. Every object clang built under bpf-src/build (corpus included) is mutated
 * many times: structure fields (ELF header, section headers, symbols, relocations, BTF header and
 * type records, BTF.ext records, the .kconfig/.ksyms DATASECs) set to extreme values, random bit
 * flips, byte runs and truncations. Each case is read with {@link BpfObjectSpec#parse} and walked
 * as {@code jbpf inspect} and {@code jbpf map dump} would ({@link SpecWalk}).
 *
 * <p>Deterministic: the seed is printed and can be set with {@code -Djbpf.mutation.seed=N}
 * ({@code -Djbpf.mutation.cases=N} sets the total). A failure names the object, the case number,
 * the mutation and the seed, and the damaged bytes are written under
 * {@code target/mutation-crashers/} to be kept as regression inputs (see {@link CrasherInputsTest}).
 */
class MutationRunTest {
    private static final long DEFAULT_SEED = 0x6a627066L; // "jbpf"
    private static final int DEFAULT_CASES = 100_000;
    /** A case slower than this is a failure: every loop must be bounded by the file's size. */
    private static final long SLOW_CASE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** A case still running after this is reported as a hang. */
    private static final long HANG_NANOS = TimeUnit.SECONDS.toNanos(30);
    /**
     * Objects are at most some 100 KiB, but a damaged .bss may claim up to ElfFile's 64 MiB of zeros,
     * which the spec and the walk copy a few times; beyond this a case trusted a count or size.
     */
    private static final long MAX_CASE_ALLOCATION = 512L << 20;

    /** The mutation of one case: what was done, and the bytes after it. */
    record Mutation(String description, byte[] bytes) {
    }

    /** A case that ended in something other than a result or a BpfException. */
    record Crash(String object, int caseNo, String mutation, String problem, byte[] bytes) {
    }

    @Test
    void everyDamagedObjectEndsInAResultOrABpfException() throws Exception {
        long seed = Long.getLong("jbpf.mutation.seed", DEFAULT_SEED);
        int total = Integer.getInteger("jbpf.mutation.cases", DEFAULT_CASES);
        List<Path> objects = objects();
        assertThat(objects).as("objects under " + BpfObjects.dir()).hasSizeGreaterThan(10);
        int perObject = (total + objects.size() - 1) / objects.size();
        System.out.printf("mutation run: seed %d (-Djbpf.mutation.seed=%d), %d objects x %d cases%n", seed, seed,
                objects.size(), perObject);

        Map<Thread, String> running = new ConcurrentHashMap<>();
        Map<Thread, Long> since = new ConcurrentHashMap<>();
        List<Crash> crashes = Collections.synchronizedList(new ArrayList<>());
        AtomicLong cases = new AtomicLong();
        AtomicLong bpfExceptions = new AtomicLong();
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        ThreadFactory daemons = r -> {
            Thread t = new Thread(r, "mutation-run");
            t.setDaemon(true); // a hung case must not keep the test JVM alive
            return t;
        };
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemons);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (Path p : objects) {
            done.add(pool.submit(() -> runObject(p, seed, perObject, running, since, crashes, cases, bpfExceptions)));
        }
        pool.shutdown();
        while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
            for (Map.Entry<Thread, Long> e : since.entrySet()) {
                if (System.nanoTime() - e.getValue() > HANG_NANOS) {
                    throw new AssertionError("hang: " + running.get(e.getKey()) + " has run for more than "
                            + TimeUnit.NANOSECONDS.toSeconds(HANG_NANOS) + " s (seed " + seed + ")");
                }
            }
        }
        for (Future<?> f : done) {
            f.get();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("mutation run: %d cases in %.1f s on %d threads (%.0f cases/s), %d ended in a BpfException,"
                + " %d crashes%n", cases.get(), secs, threads, cases.get() / secs, bpfExceptions.get(), crashes.size());
        Map<String, Crash> distinct = new TreeMap<>();
        for (Crash c : crashes) {
            distinct.putIfAbsent(c.problem(), c);
        }
        Path out = Path.of("target", "mutation-crashers");
        StringBuilder report = new StringBuilder();
        for (Crash c : distinct.values()) {
            Files.createDirectories(out);
            Path file = out.resolve(c.object().replace('/', '_').replace(".o", "") + "_" + c.caseNo() + ".o");
            Files.write(file, c.bytes());
            report.append("\n  ").append(c.object()).append(" case ").append(c.caseNo()).append(" [").append(c.mutation())
                    .append("]: ").append(c.problem()).append(" -> ").append(file);
        }
        if (!distinct.isEmpty()) {
            fail(distinct.size() + " kinds of case ended in neither a result nor a BpfException (seed " + seed + "):"
                    + report);
        }
        assertThat(cases.get()).isGreaterThanOrEqualTo(total);
    }

    private static void runObject(Path path, long seed, int count, Map<Thread, String> running, Map<Thread, Long> since,
                                  List<Crash> crashes, AtomicLong cases, AtomicLong bpfExceptions) {
        String object = BpfObjects.dir().relativize(path).toString();
        byte[] original = read(path);
        ObjectFields fields = ObjectFields.of(object, original);
        SplittableRandom rnd = new SplittableRandom(seed ^ object.hashCode() * 0x9E3779B97F4A7C15L);
        Thread self = Thread.currentThread();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < count; i++) {
            Mutation m = Mutator.mutate(original, fields, rnd);
            String what = object + " case " + i + " [" + m.description() + "]";
            running.put(self, what);
            long t0 = System.nanoTime();
            since.put(self, t0);
            long a0 = mx.getCurrentThreadAllocatedBytes();
            String problem = null;
            try {
                SpecWalk.walk(BpfObjectSpec.parse(object, m.bytes().clone()));
            } catch (BpfException e) {
                bpfExceptions.incrementAndGet();
                if (e.getMessage() == null || !e.getMessage().contains(object)) {
                    problem = "BpfException not naming the object: " + e.getMessage();
                }
            } catch (Throwable t) {
                StackTraceElement at = t.getStackTrace().length == 0 ? null : t.getStackTrace()[0];
                problem = t.getClass().getName() + " at " + at;
            }
            long nanos = System.nanoTime() - t0;
            long allocated = mx.getCurrentThreadAllocatedBytes() - a0;
            since.remove(self);
            if (problem == null && nanos > SLOW_CASE_NANOS) {
                problem = "slow: " + nanos / 1_000_000 + " ms";
            }
            if (problem == null && allocated > MAX_CASE_ALLOCATION) {
                problem = "allocated " + (allocated >> 20) + " MiB";
            }
            if (problem != null) {
                crashes.add(new Crash(object, i, m.description(), problem, m.bytes()));
            }
            cases.incrementAndGet();
        }
        running.remove(self);
    }

    private static List<Path> objects() throws IOException {
        try (Stream<Path> s = Files.walk(BpfObjects.dir())) {
            return s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
