package io.jbpf.trace;

import static io.jbpf.testing.TraceTarget.le32;
import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.BpfObject;
import io.jbpf.LoadOptions;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import io.jbpf.link.TracepointLink;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.CliRun;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The bcc hello world: bpf_printk on the sync tracepoint, read back from the trace pipe. Each of
 * the test thread's syncs gives exactly one "Hello, World!" line naming that thread; after the link
 * is closed, a sync gives none.
 */
@Tag("vm")
class TracePipeIT {
    private static final Native.Function SYNC = Native.function("sync", Native.Returns.INT, 0);
    private static final Native.Function GETTID = Native.function("gettid", Native.Returns.INT, 0);

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    @Test
    void eachSyncPrintsOneHelloWorldLineOfThisThread() {
        int before = Fds.count();
        int tid = (int) GETTID.call();
        BpfObjectSpec spec = BpfObjectSpec.read(Objects.path("hooks/trace_printk_hello.o"))
                .withVariable("target_tgid", le32((int) ProcessHandle.current().pid()));
        List<TraceLine> ours = new ArrayList<>();
        try (TracePipe pipe = TracePipe.open(l -> {
                if (l.pid() == tid) {
                    ours.add(l);
                }
            });
             BpfObject obj = BpfObject.load(spec, LoadOptions.defaults())) {
            pipe.poll(0); // whatever was left in the pipe before
            ours.clear();
            try (TracepointLink link = TracepointLink.attach(obj.program("jtr_hello"))) {
                for (int i = 0; i < 3; i++) {
                    SYNC.call();
                }
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (ours.size() < 3 && System.nanoTime() < deadline) {
                    pipe.poll(200);
                }
            }
            assertThat(ours).hasSize(3).allSatisfy(l -> {
                assertThat(l.fromBpf()).isTrue();
                assertThat(l.message()).isEqualTo("Hello, World!");
                assertThat(l.cpu()).isBetween(0, Runtime.getRuntime().availableProcessors() * 64);
            });
            assertThat(ours.get(2).timestamp()).isGreaterThanOrEqualTo(ours.get(0).timestamp());
            ours.clear();
            SYNC.call();
            pipe.poll(500);
            assertThat(ours).as("the link is closed").isEmpty();
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    /** {@code jbpf prog tracelog --json --count 2} prints the two lines two syncs make, and stops. */
    @Test
    void theCliPrintsTheLinesAsJson() throws Exception {
        BpfObjectSpec spec = BpfObjectSpec.read(Objects.path("hooks/trace_printk_hello.o"))
                .withVariable("target_tgid", le32((int) ProcessHandle.current().pid()));
        try (BpfObject obj = BpfObject.load(spec, LoadOptions.defaults());
             TracePipe drain = TracePipe.open(l -> { })) {
            drain.poll(0); // whatever was left in the pipe before
            drain.close();
            try (TracepointLink link = TracepointLink.attach(obj.program("jtr_hello"))) {
                CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(
                        () -> CliRun.of("prog", "tracelog", "--json", "--count", "2", "--duration", "10s"));
                Thread.sleep(300); // the reader is open and waiting
                SYNC.call();
                SYNC.call();
                CliRun r = run.get(15, TimeUnit.SECONDS);
                assertThat(r.exit()).as(r.err()).isZero();
                List<String> lines = r.out().lines().toList();
                assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l)
                        .contains("\"message\":\"Hello, World!\"", "\"function\":\"bpf_trace_printk\"", "\"pid\":"));
            }
        }
    }
}
