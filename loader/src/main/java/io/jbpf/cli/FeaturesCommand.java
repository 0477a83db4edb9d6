package io.jbpf.cli;

import io.jbpf.Features;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;

/** {@code jbpf features}: which map and program types this kernel supports, by probing it. */
final class FeaturesCommand extends CliCommand {
    private final OptionSpec jsonOpt = flag("print as JSON", "--json");

    FeaturesCommand() {
        super("features", "Probe the kernel for the map and program types it supports.");
    }

    @Override
    public Integer call() {
        Map<String, Features.Support> all = Features.all();
        PrintWriter out = out();
        if (isSet(jsonOpt)) {
            Map<String, Object> o = new java.util.LinkedHashMap<>();
            all.forEach((k, v) -> o.put(k, v.toString()));
            out.println(Json.write(o));
            return 0;
        }
        all.forEach((k, v) -> out.println(Text.left(k, 40) + " " + v));
        return 0;
    }
}
