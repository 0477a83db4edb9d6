package io.jbpf.cli;

import io.jbpf.Features;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jbpf features}: which map and program types this kernel supports, by probing it. */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Probe the kernel for the map and program types it supports.")
final class FeaturesCommand implements Callable<Integer> {
    @Option(names = "--json", description = "print as JSON")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        Map<String, Features.Support> all = Features.all();
        PrintWriter out = cmd.commandLine().getOut();
        if (json) {
            Map<String, Object> o = new java.util.LinkedHashMap<>();
            all.forEach((k, v) -> o.put(k, v.toString()));
            out.println(Json.write(o));
            return 0;
        }
        all.forEach((k, v) -> out.printf("%-40s %s%n", k, v));
        return 0;
    }
}
