package io.jbpf.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion (bounded in time) and captures its output. */
public final class Sh {
    private static final long TIMEOUT_SECONDS = 120;

    private Sh() {
    }

    /** Exit status and output of a finished command. */
    public record Result(int exit, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    public static Result run(String... cmd) {
        return run(List.of(cmd));
    }

    public static Result run(List<String> cmd) {
        return runIn(null, cmd);
    }

    /** As {@link #run(List)}, in directory {@code dir} (null: this process's). */
    public static Result runIn(Path dir, List<String> cmd) {
        try {
            Path out = Files.createTempFile("jbpf-test", ".out");
            Path err = Files.createTempFile("jbpf-test", ".err");
            try {
                Process p = new ProcessBuilder(cmd).directory(dir == null ? null : dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out after " + TIMEOUT_SECONDS + " s: " + cmd);
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
