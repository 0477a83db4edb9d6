package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Native;
import io.jbpf.testing.Kernel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bcc lessons in {@code bpf-src/bcc/}, each run with the README's command ({@code java -cp
 * loader/target/jbpf.jar bpf-src/bcc/LESSON.java}, the JDK's source launcher: the lesson's C is
 * compiled by clang when it starts), while this test calls sync(2): each prints bcc's lines for
 * those syncs and no others, attaches with a kprobe where the kernel has kprobes (the second
 * kernel) and the sync tracepoint where not (this one), and ends on SIGTERM (as on Ctrl-C) with
 * exit status 0 and nothing of its own left in the kernel. The guest runs one lesson (about a
 * minute there: javac and clang under emulation), for the kprobe.
 */
class BccLessonsIT {
    private static final Native.Function SYNC = Native.function("sync", Native.Returns.INT, 0);
    /** The gaps between the test's syncs, in ms: two lines of the timing lessons. */
    private static final long FIRST_GAP = 200;
    private static final long SECOND_GAP = 350;
    /** How far a printed gap may be from the one measured here (a slow guest runs late). */
    private static final long SLACK_MS = 100;
    private static final Pattern TIMING = Pattern.compile(
            "At time (\\d+\\.\\d\\d) s: multiple syncs detected, last (\\d+) ms ago(?:, sync count (\\d+))?");

    @TempDir
    Path dir;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    @Test
    @Tag("vm")
    void syncTimingPrintsTheGapBetweenSyncs() throws Exception {
        timing("sync_timing.java", false);
    }

    @Test
    void syncCountAddsTheNumberOfSyncs() throws Exception {
        timing("sync_count.java", true);
    }

    @Test
    void syncPerfOutputPrintsTheGapsItWasSent() throws Exception {
        timing("sync_perf_output.java", false);
    }

    @Test
    void syncRingbufOutputPrintsTheGapsItWasSent() throws Exception {
        timing("sync_ringbuf_output.java", false);
    }

    @Test
    void helloFieldsPrintsTheFieldsOfEachLine() throws Exception {
        hello("hello_fields.java", "Hello, World!", false);
    }

    @Test
    void helloPerfOutputPrintsAnEventPerSync() throws Exception {
        hello("hello_perf_output.java", "Hello, perf_output!", true);
    }

    @Test
    void helloRingbufOutputPrintsAnEventPerSync() throws Exception {
        hello("hello_ringbuf_output.java", "Hello, ringbuf_output!", true);
    }

    /** Three syncs FIRST_GAP then SECOND_GAP apart: two lines, each with its gap, the second at its time. */
    private void timing(String lesson, boolean counted) throws Exception {
        try (Lesson l = Lesson.start(lesson, dir)) {
            l.awaitLine("Tracing for quick sync's... Ctrl-C to end"::equals);
            long[] gaps = {0, 0};
            long t0 = System.nanoTime();
            SYNC.call();
            sleepUntil(t0, FIRST_GAP);
            long t1 = System.nanoTime();
            SYNC.call();
            sleepUntil(t1, SECOND_GAP);
            long t2 = System.nanoTime();
            SYNC.call();
            gaps[0] = (t1 - t0) / 1_000_000;
            gaps[1] = (t2 - t1) / 1_000_000;
            l.awaitLines(TIMING.asMatchPredicate(), 2);
            List<Matcher> lines = l.lines().stream().map(TIMING::matcher).filter(Matcher::matches).toList();
            assertThat(lines).as(l.output()).hasSize(2);
            assertThat(lines.get(0).group(1)).as("the first line is at time 0").isEqualTo("0.00");
            for (int i = 0; i < 2; i++) {
                assertThat(Long.parseLong(lines.get(i).group(2))).as("gap %d of %s", i, l.output())
                        .isBetween(gaps[i] - SLACK_MS, gaps[i] + SLACK_MS);
            }
            double second = Double.parseDouble(lines.get(1).group(1));
            assertThat(second * 1000).as("the second line's time: the second gap, %s", l.output())
                    .isBetween((double) gaps[1] - SLACK_MS, (double) gaps[1] + SLACK_MS);
            if (counted) {
                long first = Long.parseLong(lines.get(0).group(3));
                assertThat(first).as("syncs counted since the lesson started: ours from the second on").isGreaterThanOrEqualTo(2);
                assertThat(Long.parseLong(lines.get(1).group(3))).isEqualTo(first + 1);
            }
            l.stopAndCheck();
        }
    }

    /** Two sync(1) processes: one line each, with its comm and pid, and bcc's message. */
    private void hello(String lesson, String message, boolean fromEvents) throws Exception {
        try (Lesson l = Lesson.start(lesson, dir)) {
            l.awaitLine(s -> s.matches("TIME\\(s\\) +COMM +PID +MESSAGE"));
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Process sync = new ProcessBuilder("sync").start();
                pids.add(sync.pid());
                assertThat(sync.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            for (long pid : pids) {
                l.awaitLine(s -> s.matches("\\d+\\.\\d{9} +sync +" + pid + " +" + Pattern.quote(message)));
            }
            List<String> ours = l.lines().stream()
                    .filter(s -> pids.stream().anyMatch(p -> s.matches("\\d+\\.\\d{9} +sync +" + p + " +" + Pattern.quote(message))))
                    .toList();
            assertThat(ours).as("one line per sync: %s", l.output()).hasSize(2);
            if (fromEvents && l.lines().size() == 3) {
                // nobody else synced: the first event is ours, at time 0 (bcc counts from the first event)
                assertThat(ours.get(0)).startsWith("0.000000000 ");
            }
            l.stopAndCheck();
        }
    }

    private static void sleepUntil(long start, long ms) throws InterruptedException {
        long left = start + ms * 1_000_000 - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** A lesson running in its own JVM, as the README runs it. */
    private static final class Lesson implements AutoCloseable {
        private static final Set<String> PROGRAMS = Set.of("kprobe_sync", "tracepoint_sync", "kprobe_hello", "tracepoint_hello");
        private final String name;
        private final Process process;
        private final Path out;
        private final Path err;

        private Lesson(String name, Process process, Path out, Path err) {
            this.name = name;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        static Lesson start(String lesson, Path dir) throws IOException {
            Path out = dir.resolve(lesson + ".out");
            Path err = dir.resolve(lesson + ".err");
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(java, "-cp", "loader/target/jbpf.jar", "bpf-src/bcc/" + lesson)
                    .directory(Kernel.root().toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            return new Lesson(lesson, p, out, err);
        }

        List<String> lines() {
            try {
                return Files.readAllLines(out, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        String output() {
            try {
                return "stdout of " + name + ":\n" + Files.readString(out) + "\nstderr:\n" + Files.readString(err);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        void awaitLine(Predicate<String> wanted) throws InterruptedException {
            awaitLines(wanted, 1);
        }

        /** Waits (up to 3 minutes: clang and javac run first, slowly in the guest) for {@code n} lines that match. */
        void awaitLines(Predicate<String> wanted, int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (lines().stream().filter(wanted).count() < n) {
                assertThat(process.isAlive()).as("%s is running: %s", name, output()).isTrue();
                assertThat(System.nanoTime()).as("%s printed the line in time: %s", name, output()).isLessThan(deadline);
                Thread.sleep(50);
            }
        }

        /** SIGTERM, as Ctrl-C would: exit 0, attached as the kernel allows, then nothing left loaded. */
        void stopAndCheck() throws Exception {
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s ends on SIGTERM", name).isTrue();
            assertThat(process.exitValue()).as(output()).isZero();
            String how = Features.hook(Features.Hook.KPROBES) == Features.Support.YES
                    ? "attached to KprobeLink[kprobe __x64_sys_sync]" : "attached to TracepointLink[syscalls/sys_enter_sync]";
            assertThat(Files.readString(err)).as("a kprobe where the kernel has kprobes").contains(how);
            // the kernel frees a closed program after an RCU grace period
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (loadedPrograms() > 0) {
                assertThat(System.nanoTime()).as("%s's programs are unloaded", name).isLessThan(deadline);
                Thread.sleep(50);
            }
        }

        private static long loadedPrograms() {
            long n = 0;
            for (int id : BpfProgram.ids()) {
                try (BpfProgram p = BpfProgram.fromId(id)) {
                    n += PROGRAMS.contains(p.name()) ? 1 : 0;
                } catch (BpfException e) {
                    // gone since it was listed
                }
            }
            return n;
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
