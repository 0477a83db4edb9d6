package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.BpfFs;
import io.jbpf.testing.CliRun;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.TestEnv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A {@code jbpf load} whose attach fails after it pinned maps (by name, and with --pin DIR) leaves
 * the pin root as it found it: its own pins and directories go, a pin it reused stays.
 */
class FailedLoadPinsIT {
    private static TestEnv env;

    @BeforeAll
    static void setUp() {
        Kernel.require();
        env = TestEnv.setup();
        CliRun busy = jbpf("load", Objects.str("xdp_pass.o"), "--dev", env.name);
        assertThat(busy.exit()).as("xdp_pass makes the device busy: %s", busy.err()).isZero();
    }

    @AfterAll
    static void tearDown() {
        if (env != null) {
            env.close();
        }
    }

    private static CliRun jbpf(String... args) {
        return CliRun.in(env.xdpNs(), args);
    }

    private static List<String> tree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void freshPinsAndDirectoriesGoWhenTheAttachFails() {
        try (BpfFs fs = new BpfFs()) {
            Path root = fs.dir.resolve("fresh_root");
            Path pinDir = fs.dir.resolve("all");
            List<String> before = tree(fs.dir);
            CliRun r = jbpf("load", Objects.str("corpus/pin_shared_a.o"), "--dev", env.name, "--pin-path", root.toString(),
                    "--pin", pinDir.toString());
            assertThat(r.exit()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).contains("already has XDP program", "--force", "EBUSY");
            assertThat(tree(fs.dir)).as("no by-name pin, no --pin pins, no directories left").isEqualTo(before);
            assertThat(env.ipLink()).contains("name xdp_pass_func").doesNotContain("xdp_pin_writer");
        }
    }

    /** Two loads making the same directories (tc/globals of iproute2 objects) at once both succeed. */
    @Test
    void concurrentLoadsMakingTheSameDirectoriesBothSucceed() throws Exception {
        try (BpfFs fs = new BpfFs()) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 300; round++) {
                    Path dir = fs.dir.resolve("r" + round).resolve("tc").resolve("globals");
                    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
                    java.util.concurrent.Callable<PinLog> make = () -> {
                        PinLog log = new PinLog();
                        together.await();
                        log.createDirectories(dir);
                        return log;
                    };
                    var a = pool.submit(make);
                    var b = pool.submit(make);
                    a.get();
                    b.get(); // before the fix, one of them failed now and then with FileAlreadyExistsException
                    assertThat(dir).isDirectory();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aPinRootThatIsNotBpffsIsNamed(@org.junit.jupiter.api.io.TempDir Path tmp) {
        Path root = tmp.resolve("pins");
        CliRun r = jbpf("load", Objects.str("corpus/pin_shared_a.o"), "--dev", env.name, "--force", "--pin-path", root.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(root.toString(), "not on a bpf filesystem", "mount -t bpf bpf /sys/fs/bpf")
                .doesNotContain("ENOENT");
        assertThat(root).doesNotExist();
        assertThat(env.ipLink()).contains("name xdp_pass_func").doesNotContain("xdp_pin_writer");
    }

    @Test
    void aPinThatWasThereBeforeStays() {
        try (BpfFs fs = new BpfFs()) {
            int mapId;
            LoadOptions opts = LoadOptions.defaults().withPinRoot(fs.dir);
            try (BpfObject first = BpfObject.load(BpfObjectSpec.read(Objects.path("corpus/pin_shared_a.o")), opts)) {
                mapId = first.map("jbpf_corpus_pin").id();
            }
            Path pinDir = fs.dir.resolve("deep/er");
            List<String> before = tree(fs.dir);
            CliRun r = jbpf("load", Objects.str("corpus/pin_shared_a.o"), "--dev", env.name, "--pin-path", fs.dir.toString(),
                    "--pin", pinDir.toString());
            assertThat(r.exit()).as(r.err()).isEqualTo(1);
            assertThat(tree(fs.dir)).as("the reused pin stays, the --pin directories go").isEqualTo(before)
                    .contains("jbpf_corpus_pin");
            try (BpfMap still = BpfMap.fromPin(fs.dir.resolve("jbpf_corpus_pin"))) {
                assertThat(still.id()).isEqualTo(mapId);
            }
        }
    }
}
