package io.jbpf.cli;

import picocli.CommandLine;

/** {@code jbpf map ...}: work with maps of loaded programs. */
final class MapCommand extends CliCommand {
    MapCommand() {
        super("map", "Work with BPF maps.");
        spec.addSubcommand("dump", new CommandLine(new MapDumpCommand().spec));
    }

    @Override
    public Integer call() {
        throw usageError("missing map command (dump)");
    }
}
