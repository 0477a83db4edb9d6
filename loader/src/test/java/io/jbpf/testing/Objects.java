package io.jbpf.testing;

import java.nio.file.Path;

/** The clang outputs of bpf-src/, which the tests load. */
public final class Objects {
    private Objects() {
    }

    public static Path path(String file) {
        return Path.of(System.getProperty("jbpf.bpf.build", "../bpf-src/build")).toAbsolutePath().normalize().resolve(file);
    }

    public static String str(String file) {
        return path(file).toString();
    }
}
