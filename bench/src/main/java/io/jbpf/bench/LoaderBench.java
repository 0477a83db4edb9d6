package io.jbpf.bench;

import io.jbpf.BpfObject;
import io.jbpf.LoadOptions;
import io.jbpf.spec.BpfObjectSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * In-process loader cost, one operation = open + parse + load (maps created, programs through
 * the verifier) + close of a whole object, as ref.c times libbpf's
 * {@code bpf_object__open_file} + {@code bpf_object__load} + {@code bpf_object__close}; and the
 * parse alone ({@link BpfObjectSpec#read}), which needs no kernel.
 *
 * <p>Objects are named relative to {@code bpf-src/build} (system property
 * {@code jbpf.bench.bpfBuild}, else found from the working directory).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LoaderBench {
    /** xdp_icmp_echo.o, and the largest other object (run.sh passes the one it finds). */
    @Param({"xdp_icmp_echo.o", "corpus/callback_foreach.o"})
    public String object;

    private Path path;

    @Setup
    public void setUp() {
        path = buildDir().resolve(object);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(path + " not found: build bpf-src first (mvn -DskipTests package)");
        }
    }

    static Path buildDir() {
        String p = System.getProperty("jbpf.bench.bpfBuild");
        if (p != null) {
            return Path.of(p);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("bpf-src/build"))) {
                return d.resolve("bpf-src/build");
            }
        }
        throw new IllegalStateException("bpf-src/build not found above " + Path.of("").toAbsolutePath()
                + "; set -Djbpf.bench.bpfBuild");
    }

    @Benchmark
    public void openParseLoad(Blackhole bh) {
        try (BpfObject obj = BpfObject.load(BpfObjectSpec.read(path), LoadOptions.defaults())) {
            bh.consume(obj.programs().size());
        }
    }

    @Benchmark
    public BpfObjectSpec parseOnly() {
        return BpfObjectSpec.read(path);
    }
}
