package io.jbpf.cli;

import io.jbpf.BpfException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jbpf} command line: load, unload, status, inspect, map. Exit codes: 0 ok, 1 failure, 2 usage. */
@Command(name = "jbpf", mixinStandardHelpOptions = true, version = "jbpf 0.1.0",
        description = "Load, attach and inspect BPF programs, from Java, with no libbpf.",
        subcommands = {LoadCommand.class, UnloadCommand.class, StatusCommand.class, InspectCommand.class,
            MapCommand.class, StatsCommand.class, FeaturesCommand.class, CommandLine.HelpCommand.class})
public final class Jbpf implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given output streams; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Jbpf());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException) {
                // a bad option value found while running (an unknown --mode, a bad --interval): a usage error
                err.println("jbpf: " + ex.getMessage());
                err.flush();
                return 2;
            }
            if (ex instanceof BpfException) {
                err.println("jbpf: " + ex.getMessage());
            } else {
                err.println("jbpf: internal error: " + ex);
                ex.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (load, unload, status, inspect, map)");
    }
}
