package io.jbpf.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The golden objects the elf unit tests read: checked-in copies of what {@code make -C bpf-src}
 * builds ({@code bpf-src/golden/README.md} says which clang), so that another clang cannot
 * change what the tests assert. Found through the system property {@code jbpf.bpf.golden}
 * (Surefire sets it), falling back to {@code ../bpf-src/golden} relative to the module directory.
 */
public final class BpfObjects {
    /** The example programs of bpf-src/*.c that the parsing tests go through one by one. */
    public static final List<String> ALL = List.of(
            "xdp_pass.o", "xdp_drop.o", "xdp_icmp_echo.o", "xdp_multi.o", "xdp_legacy_maps.o",
            "xdp_verifier_reject.o");

    private BpfObjects() {
    }

    /** The golden directory. */
    public static Path dir() {
        String prop = System.getProperty("jbpf.bpf.golden");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        // Unset, or set from a directory without .mvn (maven.multiModuleProjectDirectory is then the
        // module itself): use the sibling bpf-src.
        return Path.of("../bpf-src/golden").toAbsolutePath().normalize();
    }

    public static Path path(String file) {
        Path p = dir().resolve(file);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: refresh the golden objects with make -C bpf-src golden");
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
