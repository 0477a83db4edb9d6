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
 * with its file and line, and nothing is loaded.
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
        while (!helloAttached()) {
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

    private static boolean helloAttached() {
        for (int id : BpfLink.ids()) {
            try (BpfLink link = BpfLink.fromId(id)) {
                int progId = link.info().progId();
                try (BpfProgram p = BpfProgram.fromId(progId)) {
                    if (p.name().equals("hello")) {
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
}
