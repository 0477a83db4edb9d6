package io.jbpf.testing;

import io.jbpf.cli.Jbpf;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One run of the jbpf CLI in this JVM ({@link Jbpf#run} returns the exit code instead of
 * exiting): its exit code and what it printed.
 */
public record CliRun(int exit, String out, String err) {
    /** Runs {@code jbpf args...} here. */
    public static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Jbpf.run(new PrintWriter(out), new PrintWriter(err), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Runs {@code jbpf args...} from inside network namespace {@code netns}. */
    public static CliRun in(String netns, String... args) {
        return NetNs.call(netns, () -> of(args));
    }
}
