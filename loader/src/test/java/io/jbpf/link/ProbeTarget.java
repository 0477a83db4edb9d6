package io.jbpf.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.BpfObject;
import io.jbpf.LoadOptions;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TraceTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * bpf-src/hooks/user/probe_target.c, built with gcc at the fixed path the section names of
 * hooks/probe_uprobe.o use ({@code /tmp/jpr_probe_target}), and run.
 */
final class ProbeTarget {
    static final Path PATH = Path.of("/tmp/jpr_probe_target");

    private ProbeTarget() {
    }

    /** Builds the target; fails the test with gcc's output if it cannot. */
    static Path build() {
        Path src = Kernel.root().resolve("bpf-src/hooks/user/probe_target.c");
        Sh.Result r = Sh.run("gcc", "-O2", "-o", PATH.toString(), src.toString());
        assertThat(r.exit()).as("gcc: %s", r.all()).isZero();
        return PATH;
    }

    /** hooks/probe_uprobe.o with its programs counting every process's calls (target_tgid 0). */
    static BpfObject loadUprobes() {
        return BpfObject.load(BpfObjectSpec.read(Objects.path("hooks/probe_uprobe.o"))
                .withVariable("target_tgid", TraceTarget.le32(0)), LoadOptions.defaults());
    }

    static void delete() throws IOException {
        Files.deleteIfExists(PATH);
    }

    /** Runs the target: jpr_one {@code a} times, jpr_two {@code b} times, jpr_three {@code c} times; returns its sum. */
    static long calls(int a, int b, int c) {
        Sh.Result r = Sh.run(PATH.toString(), "calls", String.valueOf(a), String.valueOf(b), String.valueOf(c));
        assertThat(r.exit()).as("probe_target: %s", r.all()).isZero();
        return Long.parseLong(r.out().strip());
    }

    /** What the target returns for those calls: jpr_one(i) = i, jpr_two(i) = 2i, jpr_three(i) = 3i. */
    static long expectedSum(int a, int b, int c) {
        return (long) a * (a + 1) / 2 + (long) b * (b + 1) + 3L * c * (c + 1) / 2;
    }

    /** A u64[] global read back from the program. */
    static long[] longs(byte[] bytes) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[bytes.length / 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getLong(8 * i);
        }
        return out;
    }
}
