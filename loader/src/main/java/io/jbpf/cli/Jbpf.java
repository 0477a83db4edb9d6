package io.jbpf.cli;

import io.jbpf.common.BpfException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * The {@code jbpf} command line: load, unload, status, inspect, map, stats, dump, features, xdpsock, and the
 * bpftool-shaped prog, map, link, net, cgroup, attach and detach. Exit codes: 0 ok,
 * 1 failure, 2 usage (an unknown option, a missing or malformed value, a value out of its range).
 */
public final class Jbpf {
    /** Subcommands by name; only the one being run is built (picocli's model costs start-up time). */
    private static final Map<String, Supplier<CliCommand>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("load", LoadCommand::new);
        COMMANDS.put("unload", UnloadCommand::new);
        COMMANDS.put("status", StatusCommand::new);
        COMMANDS.put("inspect", InspectCommand::new);
        COMMANDS.put("map", MapCommand::new);
        COMMANDS.put("stats", StatsCommand::new);
        COMMANDS.put("dump", DumpCommand::new);
        COMMANDS.put("features", FeaturesCommand::new);
        COMMANDS.put("prog", ProgCommand::new);
        COMMANDS.put("link", LinkCommand::new);
        COMMANDS.put("net", NetCommand::new);
        COMMANDS.put("cgroup", CgroupCommand::new);
        COMMANDS.put("attach", AttachCommand::new);
        COMMANDS.put("detach", DetachCommand::new);
        COMMANDS.put("run", RunCommand::new);
        COMMANDS.put("xdpsock", XdpsockCommand::new);
    }

    /** Commands that call the kernel (all but inspect). */
    private static final java.util.Set<String> NATIVE = java.util.Set.of("load", "unload", "status", "map", "stats", "dump", "features",
            "prog", "link", "net", "cgroup", "attach", "detach", "run", "xdpsock");

    private Jbpf() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && NATIVE.contains(args[0])) {
            // jffi's native library and libc's symbols load on the second core while picocli reads the
            // command line; the command's first system call waits for that class initialisation if need be.
            Thread init = new Thread(Jbpf::loadNative, "jbpf-native-init");
            init.setDaemon(true);
            init.start();
        }
        // picocli registers converters for java.time and java.sql types by reflection, which starts
        // up those packages (date formatters and all); no jbpf option has such a type.
        if (System.getProperty("picocli.converters.excludes") == null) {
            System.setProperty("picocli.converters.excludes", "java\\.(time|sql)\\..*");
        }
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    private static void loadNative() {
        try {
            Class.forName("io.jbpf.internal.sys.LibC");
        } catch (ClassNotFoundException | LinkageError e) {
            // the command reports it when it makes its first call
        }
    }

    /** Runs the CLI with the given output streams; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Top().spec);
        String first = java.util.Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(null);
        if (first != null && COMMANDS.containsKey(first)) {
            cl.addSubcommand(first, new CommandLine(COMMANDS.get(first).get().spec));
        } else if (first == null && args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // the version alone needs no subcommand
        } else {
            // top-level help, `help CMD`, or an unknown command: every subcommand, for the listing and the error
            COMMANDS.forEach((name, make) -> cl.addSubcommand(name, new CommandLine(make.get().spec)));
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

    /** {@code jbpf} with no command. */
    private static final class Top extends CliCommand {
        Top() {
            super("jbpf", "Load, attach and inspect BPF programs, from Java, with no libbpf.");
        }

        @Override
        public Integer call() {
            throw usageError("missing command (" + String.join(", ", COMMANDS.keySet()) + ")");
        }
    }
}
