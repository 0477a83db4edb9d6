package io.jbpf.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jbpf map ...}: work with maps of loaded programs. */
@Command(name = "map", mixinStandardHelpOptions = true, description = "Work with BPF maps.",
        subcommands = {MapDumpCommand.class})
final class MapCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing map command (dump)");
    }
}
