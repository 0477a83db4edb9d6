package io.jbpf.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The clang outputs of {@code bpf-src/} ({@code make -C bpf-src}), which the elf tests read.
 * Found through the system property {@code jbpf.bpf.build} (Surefire sets it), falling back to
 * {@code ../bpf-src/build} relative to the module directory.
 */
public final class BpfObjects {
    /** Every object the Makefile builds. */
    public static final List<String> ALL = List.of(
            "xdp_pass.o", "xdp_drop.o", "xdp_icmp_echo.o", "xdp_multi.o", "xdp_legacy_maps.o",
            "xdp_verifier_reject.o");

    private BpfObjects() {
    }

    /** The build directory. */
    public static Path dir() {
        String prop = System.getProperty("jbpf.bpf.build");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        // Unset, or set from a directory without .mvn (maven.multiModuleProjectDirectory is then the
        // module itself): use the sibling bpf-src.
        return Path.of("../bpf-src/build").toAbsolutePath().normalize();
    }

    public static Path path(String file) {
        Path p = dir().resolve(file);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: build the BPF objects with make -C bpf-src");
        }
        return p;
    }

    /** A fresh copy of the object's bytes (tests may patch it). */
    public static byte[] bytes(String file) {
        try {
            return Files.readAllBytes(path(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
