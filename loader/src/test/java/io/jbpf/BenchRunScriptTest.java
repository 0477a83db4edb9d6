package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.Kernel;
import io.jbpf.testing.Sh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * bench/run.sh checks every tool before it builds or measures anything: a missing one (and an
 * apt-get that cannot install it) stops it within seconds, naming the package. No benchmark runs
 * here: the tools are hidden from PATH and apt-get is a stand-in that fails. As root the script
 * tries apt-get and stops on its failure; otherwise it stops at once with the install command.
 */
class BenchRunScriptTest {
    private Path tmp;
    private Path aptCalls;

    @BeforeEach
    void setUp() throws IOException {
        tmp = Files.createTempDirectory("jbpf-bench-run");
        aptCalls = tmp.resolve("apt-get.calls");
        Path fakeBin = Files.createDirectories(tmp.resolve("fake-bin"));
        Path apt = fakeBin.resolve("apt-get");
        Files.writeString(apt, "#!/bin/sh\necho \"$*\" >> " + aptCalls + "\necho 'E: apt-get stand-in fails' >&2\nexit 100\n");
        apt.toFile().setExecutable(true);
    }

    @AfterEach
    void cleanUp() {
        Sh.run("rm", "-rf", tmp.toString());
    }

    @Test
    void missingHyperfineStopsAtOnceNamingThePackage() throws IOException {
        Run r = run(Set.of("hyperfine"), "--quick");
        assertThat(r.result.exit()).as(r.result.all()).isEqualTo(1);
        assertThat(r.result.err()).contains("hyperfine");
        assertThat(r.millis).as("stops before building or measuring").isLessThan(20_000);
        assertNothingRan(r);
        if (isRoot()) {
            assertThat(Files.readString(aptCalls)).as("apt-get was asked to install it").contains("install -y hyperfine");
            assertThat(r.result.err()).contains("installing hyperfine failed");
        } else {
            assertThat(r.result.err()).contains("apt-get install hyperfine");
        }
    }

    @Test
    void everyMissingToolIsNamedTogether() throws IOException {
        Run r = run(Set.of("hyperfine", "gcc"), "--no-build");
        assertThat(r.result.exit()).as(r.result.all()).isEqualTo(1);
        assertThat(r.result.err()).contains(isRoot() ? "installing gcc hyperfine failed" : "missing packages: gcc hyperfine");
        assertThat(r.millis).isLessThan(20_000);
        assertNothingRan(r);
    }

    private static void assertNothingRan(Run r) {
        assertThat(r.result.err()).doesNotContain("==> building", "==> creating", "==> JMH", "==> C reference", "==> hyperfine");
    }

    private record Run(Sh.Result result, long millis) {
    }

    /** Runs bench/run.sh with PATH = the failing apt-get first, then PATH without {@code hidden}. */
    private Run run(Set<String> hidden, String... args) throws IOException {
        List<String> path = new ArrayList<>(List.of(tmp.resolve("fake-bin").toString()));
        int mirrors = 0;
        for (String dir : System.getenv("PATH").split(":")) {
            Path d = Path.of(dir);
            if (hidden.stream().anyMatch(t -> Files.exists(d.resolve(t)))) {
                path.add(mirrorWithout(d, hidden, tmp.resolve("mirror" + mirrors++)).toString());
            } else {
                path.add(dir);
            }
        }
        List<String> cmd = new ArrayList<>(List.of("env", "PATH=" + String.join(":", path), "/bin/bash",
                Kernel.root().resolve("bench/run.sh").toString()));
        cmd.addAll(List.of(args));
        long t0 = System.nanoTime();
        Sh.Result result = Sh.run(cmd);
        return new Run(result, (System.nanoTime() - t0) / 1_000_000);
    }

    /** A directory of symlinks to every entry of {@code dir} except {@code hidden}. */
    private static Path mirrorWithout(Path dir, Set<String> hidden, Path mirror) throws IOException {
        Files.createDirectories(mirror);
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path e : (Iterable<Path>) entries::iterator) {
                if (!hidden.contains(e.getFileName().toString())) {
                    Files.createSymbolicLink(mirror.resolve(e.getFileName()), e);
                }
            }
        }
        return mirror;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
