package io.jbpf.testing;

import java.nio.file.Path;

/**
 * The clang outputs of bpf-src/: freshly built ({@link #path}) for kernel tests, which load
 * them, and the checked-in golden copies ({@link #golden}) for unit tests, which only read them.
 */
public final class Objects {
    private Objects() {
    }

    public static Path path(String file) {
        return Path.of(System.getProperty("jbpf.bpf.build", "../bpf-src/build")).toAbsolutePath().normalize().resolve(file);
    }

    /** A golden object (bpf-src/golden/README.md): what unit tests read, whatever clang is installed. */
    public static Path golden(String file) {
        return Path.of(System.getProperty("jbpf.bpf.golden", "../bpf-src/golden")).toAbsolutePath().normalize().resolve(file);
    }

    public static String str(String file) {
        return path(file).toString();
    }
}
