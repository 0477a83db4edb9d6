package io.jbpf.cli;

import io.jbpf.BpfException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jbpf} command line: load, unload, status, inspect, map. Exit codes: 0 ok, 1 failure, 2 usage. */
@Command(name = "jbpf", mixinStandardHelpOptions = true, version = "jbpf 0.1.0",
        description = "Load, attach and inspect BPF programs, from Java, with no libbpf.")
public final class Jbpf implements Runnable {
    /** Subcommands by name; only the one being run is built (picocli's model costs start-up time). */
    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("load", LoadCommand::new);
        COMMANDS.put("unload", UnloadCommand::new);
        COMMANDS.put("status", StatusCommand::new);
        COMMANDS.put("inspect", InspectCommand::new);
        COMMANDS.put("map", MapCommand::new);
        COMMANDS.put("stats", StatsCommand::new);
        COMMANDS.put("features", FeaturesCommand::new);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given output streams; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Jbpf());
        String first = java.util.Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(null);
        if (first != null && COMMANDS.containsKey(first)) {
            cl.addSubcommand(first, COMMANDS.get(first).get());
        } else if (first == null && args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // the version alone needs no subcommand
        } else {
            // top-level help, `help CMD`, or an unknown command: every subcommand, for the listing and the error
            COMMANDS.forEach((name, make) -> cl.addSubcommand(name, make.get()));
            cl.addSubcommand("help", new CommandLine.HelpCommand());
        }
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
