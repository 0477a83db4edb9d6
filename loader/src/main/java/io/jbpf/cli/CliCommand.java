package io.jbpf.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine;

/**
 * A jbpf command: its options, declared with picocli's programmatic API, and what it does
 * ({@link #call}). Declared this way rather than with picocli's annotations because reading
 * annotations reflectively (one generated proxy class per annotation type, on every start)
 * took about 45 ms of each CLI run, as long as the rest of picocli's work together.
 */
abstract class CliCommand implements Callable<Integer> {
    static final String VERSION = "jbpf 0.1.0";

    /** The picocli model of this command; its user object is this command. */
    final CommandSpec spec;

    CliCommand(String name, String... description) {
        spec = CommandSpec.wrapWithoutInspection(this).name(name);
        describe(spec, description);
    }

    /** Description, version and the standard {@code -h/--help} and {@code -V/--version} options. */
    static CommandSpec describe(CommandSpec s, String... description) {
        s.version(VERSION);
        s.usageMessage().description(description);
        s.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        s.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        return s;
    }

    /** Adds an option that takes a value {@code label} of {@code type}. */
    final OptionSpec option(String label, Class<?> type, String description, String... names) {
        return add(OptionSpec.builder(names).paramLabel(label).type(type).description(description));
    }

    /** As {@link #option}, with a default value (shown where the description says {@code ${DEFAULT-VALUE}}). */
    final OptionSpec optionWithDefault(String label, Class<?> type, String defaultValue, String description,
                                       String... names) {
        return add(OptionSpec.builder(names).paramLabel(label).type(type).defaultValue(defaultValue)
                .description(description));
    }

    /**
     * Adds an option whose value {@code converter} reads and checks; a value it refuses is a usage
     * error naming the option. {@code defaultValue} may be null (then the value is null when the
     * option is not given).
     */
    final OptionSpec checked(String label, Class<?> type, ITypeConverter<?> converter, String defaultValue,
                             String description, String... names) {
        return add(OptionSpec.builder(names).paramLabel(label).type(type).converters(converter).defaultValue(defaultValue)
                .description(description));
    }

    /**
     * Adds an option whose value may be left out ({@code --opt} or {@code --opt=VALUE}); left out,
     * it reads as {@code fallback}. Not given at all, it reads as null.
     */
    final OptionSpec optionalValue(String label, Class<?> type, String fallback, String description, String... names) {
        return add(OptionSpec.builder(names).paramLabel(label).type(type).arity("0..1").fallbackValue(fallback)
                .description(description));
    }

    /** Whether the user gave option {@code o} (whatever its default). */
    static boolean given(OptionSpec o) {
        return !o.originalStringValues().isEmpty();
    }

    /** Adds an option that must be given. */
    final OptionSpec required(String label, Class<?> type, String description, String... names) {
        return add(OptionSpec.builder(names).paramLabel(label).type(type).required(true).description(description));
    }

    /** Adds an on/off option; read it with {@link #isSet}. */
    final OptionSpec flag(String description, String... names) {
        return add(OptionSpec.builder(names).type(boolean.class).description(description));
    }

    /** Adds the positional parameter at {@code index} ({@code arity} "1", or "0..1" when optional). */
    final PositionalParamSpec positional(int index, String arity, String label, Class<?> type, String description) {
        PositionalParamSpec p = PositionalParamSpec.builder().index(String.valueOf(index)).arity(arity)
                .paramLabel(label).type(type).description(description).build();
        spec.addPositional(p);
        return p;
    }

    /**
     * Adds the positional words from {@code index} on, {@code arity} of them ("0..*", "1..*", "3"):
     * bpftool-style commands read them in order ({@code id 7 key hex 01 00}), see {@link Words}.
     */
    final PositionalParamSpec words(int index, String arity, String label, String description) {
        PositionalParamSpec p = PositionalParamSpec.builder().index(index + "..*").arity(arity).paramLabel(label)
                .type(java.util.List.class).auxiliaryTypes(String.class).description(description).build();
        spec.addPositional(p);
        return p;
    }

    /** Adds {@code command} as subcommand {@code name} of this one. */
    final void sub(String name, CliCommand command) {
        spec.addSubcommand(name, new CommandLine(command.spec));
    }

    private OptionSpec add(OptionSpec.Builder b) {
        OptionSpec o = b.build();
        spec.addOption(o);
        return o;
    }

    static boolean isSet(OptionSpec flag) {
        return Boolean.TRUE.equals(flag.getValue());
    }

    final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    final PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** A usage error (exit code 2, with the command's usage). */
    final CommandLine.ParameterException usageError(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
