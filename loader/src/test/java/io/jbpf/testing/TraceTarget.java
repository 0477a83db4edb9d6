package io.jbpf.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * bpf-src/hooks/user/trace_target.c, built with gcc into a directory of the test's, and run: the
 * user program that uprobe tests probe (see its header comment for what it does).
 */
public final class TraceTarget {
    private TraceTarget() {
    }

    /** Builds trace_target into {@code dir}; fails the test with gcc's output if it cannot. */
    public static Path build(Path dir) throws IOException, InterruptedException {
        Path out = dir.resolve("jtr_trace_target");
        Path src = Kernel.root().resolve("bpf-src/hooks/user/trace_target.c");
        Sh.Result r = Sh.run("gcc", "-O2", "-o", out.toString(), src.toString());
        assertThat(r.exit()).as("gcc: %s", r.all()).isZero();
        return out;
    }

    /** Runs {@code target} with {@code args}; returns its standard output, stripped. */
    public static String run(Path target, String... args) {
        List<String> cmd = new ArrayList<>(List.of(target.toString()));
        cmd.addAll(List.of(args));
        Sh.Result r = Sh.run(cmd);
        assertThat(r.exit()).as("%s: %s", cmd, r.all()).isZero();
        return r.out().strip();
    }

    /** The libc this JVM has mapped, from /proc/self/maps: the file a libc uprobe goes on. */
    public static Path libc() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"), StandardCharsets.UTF_8)) {
            int slash = line.indexOf('/');
            if (slash > 0 && line.substring(slash).matches(".*/libc[.-][^/]*\\.so.*|.*/libc\\.so\\.6")) {
                return Path.of(line.substring(slash).strip());
            }
        }
        throw new AssertionError("no libc mapped in this JVM");
    }

    public static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    public static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }
}
