package io.jbpf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Native;
import io.jbpf.link.BpfLink;
import io.jbpf.testing.CliRun;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jbpf run}: the bcc hello world from its source, compiled by clang, prints the kernel's
 * line for each of the test thread's syncs; a source that does not compile shows clang's error
 * with its file and line, and nothing is loaded; a source sending a struct through a ring buffer and
 * a perf buffer on each sync has both buffers' records printed field by field (or in hex when no
 * struct of the object is the only one of their size).
 */
@Tag("vm")
class RunCommandIT {
    private static final Native.Function SYNC = Native.function("sync", Native.Returns.INT, 0);
    private static final Native.Function GETTID = Native.function("gettid", Native.Returns.INT, 0);

    @TempDir
    Path dir;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    @Test
    void helloWorldPrintsALinePerSync() throws Exception {
        int before = Fds.count();
        Path source = Kernel.root().resolve("bpf-src/bcc/hello_world.bpf.c");
        // compiled once before, so the run below starts printing at once
        io.jbpf.BpfCompiler.defaults().compile(source);
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(
                () -> CliRun.of("run", source.toString(), "--duration", "60s", "--count", "2", "--json"));
        int tid = (int) GETTID.call();
        // sync once the program is attached: its tracepoint link is in the kernel's list
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!attached("hello")) {
            assertThat(System.nanoTime()).as("jbpf run attached hello within 60 s").isLessThan(deadline);
            assertThat(run).as("jbpf run is still running").isNotDone();
            Thread.sleep(50);
        }
        SYNC.call();
        SYNC.call();
        CliRun r = run.get(60, TimeUnit.SECONDS);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("hello attached to tracepoint syscalls/sys_enter_sync");
        List<String> ours = r.out().lines().filter(l -> l.contains("\"pid\":" + tid + ",")).toList();
        assertThat(ours).hasSize(2).allSatisfy(l -> assertThat(l).contains("\"message\":\"Hello, World!\""));
        SYNC.call(); // detached at the end: nothing left attached prints
        assertThat(Fds.count()).isEqualTo(before);
    }

    /** Whether a program named {@code name} is attached: jbpf run has opened its readers and prints what it sends. */
    private static boolean attached(String name) {
        for (int id : BpfLink.ids()) {
            try (BpfLink link = BpfLink.fromId(id)) {
                int progId = link.info().progId();
                try (BpfProgram p = BpfProgram.fromId(progId)) {
                    if (p.name().equals(name)) {
                        return true;
                    }
                }
            } catch (BpfException e) {
                // gone since it was listed
            }
        }
        return false;
    }

    @Test
    void aCompileErrorShowsFileAndLineAndLoadsNothing() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.bpf.c"), """
                #include <linux/bpf.h>
                #include <bpf/bpf_helpers.h>
                SEC("tracepoint/syscalls/sys_enter_sync") int broken(void *ctx) { return undefined_name; }
                char _license[] SEC("license") = "GPL";
                """);
        CliRun r = CliRun.of("run", bad.toString(), "--duration", "1s");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("clang could not compile " + bad, bad + ":3:", "error:", "undefined_name");
        assertThat(r.err()).doesNotContain("attached");
    }

    private static final Path EVENTS = EventOutputTest.SOURCE;

    /**
     * {@code jbpf run} of run_events.bpf.c for this process's syncs, with {@code args}: runs it, syncs
     * twice once it is attached, and returns what it printed once it has printed {@code count}
     * lines and records.
     */
    private CliRun syncTwice(int count, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("run", EVENTS.toString(), "--duration", "60s", "--count",
                String.valueOf(count), "--cflag", "-DTARGET_PID=" + ProcessHandle.current().pid()));
        all.addAll(List.of(args));
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.of(all.toArray(String[]::new)));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!attached("sync_events")) {
            assertThat(System.nanoTime()).as("jbpf run attached sync_events within 60 s").isLessThan(deadline);
            if (run.isDone()) {
                CliRun r = run.get();
                throw new AssertionError("jbpf run ended before attaching: " + r.exit() + "\n" + r.err());
            }
            Thread.sleep(50);
        }
        SYNC.call();
        SYNC.call();
        CliRun r = run.get(60, TimeUnit.SECONDS);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("sync_events attached to tracepoint syscalls/sys_enter_sync",
                "and the records of ring_events (ring buffer), perf_events (perf buffer)");
        return r;
    }

    /** This thread's name as the kernel has it: what bpf_get_current_comm gives its syncs. */
    private static String comm() throws Exception {
        return Files.readString(Path.of("/proc/thread-self/comm")).strip();
    }

    private static long ts(String line) {
        return Long.parseLong(line.replaceAll(".* ts=([0-9]+) .*", "$1"));
    }

    @Test
    void eachBufferRecordPrintsFieldByFieldAsTheOneStructOfItsSize() throws Exception {
        int before = Fds.count();
        long pid = ProcessHandle.current().pid();
        CliRun r = syncTwice(4);
        List<String> lines = r.out().lines().toList();
        String fields = ": pid=" + pid + " ts=[0-9]+ comm=\"" + java.util.regex.Pattern.quote(comm()) + "\"";
        List<String> ring = lines.stream().filter(l -> l.startsWith("ring_events")).toList();
        List<String> perf = lines.stream().filter(l -> l.startsWith("perf_events")).toList();
        assertThat(lines).as(r.out()).hasSize(4);
        assertThat(ring).as("the ring buffer's 32-byte records").hasSize(2).allMatch(l -> l.matches("ring_events" + fields));
        assertThat(ts(ring.get(0))).as("in order").isLessThan(ts(ring.get(1)));
        assertThat(perf).as("the perf buffer's records, padded to 36 bytes").hasSize(2)
                .allMatch(l -> l.matches("perf_events cpu [0-9]+" + fields));
        assertThat(perf.stream().map(RunCommandIT::ts).sorted().toList()).as("the same two syncs")
                .isEqualTo(ring.stream().map(RunCommandIT::ts).toList());
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void jsonWithEventTypeCountsPrintkLinesAndRecordsTogether() throws Exception {
        int before = Fds.count();
        long pid = ProcessHandle.current().pid();
        // -DTWIN: another 32-byte struct, which --event-type sets aside
        CliRun r = syncTwice(6, "--cflag", "-DTWIN", "--cflag", "-DPRINTK", "--event-type", "event", "--json");
        List<String> lines = r.out().lines().toList();
        String value = "\"type\":\"event\",\"value\":\\{\"pid\":" + pid + ",\"ts\":[0-9]+,\"comm\":\""
                + java.util.regex.Pattern.quote(comm()) + "\"\\}\\}";
        assertThat(lines).as(r.out()).hasSize(6);
        assertThat(lines).filteredOn(l -> l.startsWith("{\"map\":\"ring_events\",")).hasSize(2)
                .allMatch(l -> l.matches("\\{\"map\":\"ring_events\"," + value));
        assertThat(lines).filteredOn(l -> l.startsWith("{\"map\":\"perf_events\",")).hasSize(2)
                .allMatch(l -> l.matches("\\{\"map\":\"perf_events\",\"cpu\":[0-9]+," + value));
        assertThat(lines).filteredOn(l -> l.contains("\"message\":\"sync from " + pid + "\"")).hasSize(2);
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void recordsNoStructAloneFitsPrintInHex() throws Exception {
        int before = Fds.count();
        long pid = ProcessHandle.current().pid();
        CliRun r = syncTwice(4, "--cflag", "-DTWIN");
        String pidHex = java.util.HexFormat.ofDelimiter(" ").formatHex(java.nio.ByteBuffer.allocate(4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) pid).array());
        List<String> lines = r.out().lines().toList();
        assertThat(lines).as(r.out()).hasSize(4);
        assertThat(lines).filteredOn(l -> l.startsWith("ring_events:")).hasSize(2)
                .allMatch(l -> l.startsWith("ring_events: " + pidHex + " ") && l.split(" ").length == 1 + 32);
        assertThat(lines).filteredOn(l -> l.startsWith("perf_events cpu ")).hasSize(2)
                .allMatch(l -> l.matches("perf_events cpu [0-9]+: " + pidHex + " .*") && l.split(" ").length == 3 + 36);
        assertThat(r.err()).contains("ring buffer records of 32 bytes fit several structs (twin, event): shown in hex; "
                + "pick one with --event-type NAME", "perf buffer records of 36 bytes fit several structs (twin, event)");
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void anUnknownEventTypeNamesTheStructsAndLoadsNothing() {
        int before = Fds.count();
        CliRun r = CliRun.of("run", EVENTS.toString(), "--duration", "1s", "--event-type", "data_t");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("--event-type data_t: " + EVENTS + " has no struct of that name", "event (32 B)");
        assertThat(r.err()).doesNotContain("attached");
        assertThat(Fds.count()).isEqualTo(before);
    }
}
