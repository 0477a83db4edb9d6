package io.jbpf.cli;

import io.jbpf.Features;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code jbpf features}: which map types, program types and hooks this kernel supports, by
 * probing it (as {@code bpftool feature probe} does), so two kernels can be compared line by line.
 */
final class FeaturesCommand extends CliCommand {
    private final OptionSpec jsonOpt = flag("print as JSON", "--json");

    FeaturesCommand() {
        super("features", "Probe the kernel for the map types, program types and hooks it supports.");
    }

    @Override
    public Integer call() {
        Map<String, Map<String, Features.Support>> all = Features.all();
        PrintWriter out = out();
        if (isSet(jsonOpt)) {
            Map<String, Object> o = new java.util.LinkedHashMap<>();
            all.forEach((group, probes) -> {
                Map<String, Object> g = new java.util.LinkedHashMap<>();
                probes.forEach((k, v) -> g.put(k, v.toString()));
                o.put(group, g);
            });
            out.println(Json.write(o));
            return 0;
        }
        all.forEach((group, probes) -> {
            out.println(group.replace('_', ' ') + ":");
            probes.forEach((k, v) -> out.println("  " + Text.left(k, 38) + " " + v));
        });
        return 0;
    }
}
