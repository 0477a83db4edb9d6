package io.jbpf.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A command in the background (tcpdump, a listener, jbpf dump) whose output is read when it ends. */
public final class Background {
    private final Process process;
    private final Path out;
    private final Path err;
    private int exit = -1;

    /** Starts {@code cmd}; returns once it wrote {@code ready} to its standard error (10 s at most). */
    public Background(List<String> cmd, String ready) {
        try {
            out = Files.createTempFile("jbpf-bg", ".out");
            err = Files.createTempFile("jbpf-bg", ".err");
            process = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.readString(err).contains(ready)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new AssertionError(cmd + " did not start: " + Files.readString(err));
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** After {@link #output}: the command's exit status if it ended by itself in time, else -1 (stopped). */
    public int exit() {
        return exit;
    }

    /** Waits up to {@code seconds} for the command to end (then stops it); its standard output. */
    public String output(int seconds) {
        try {
            if (process.waitFor(seconds, TimeUnit.SECONDS)) {
                exit = process.exitValue();
            } else {
                process.destroy();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            process.destroyForcibly();
            try {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            } catch (IOException e) {
                // temp files only
            }
        }
    }
}
