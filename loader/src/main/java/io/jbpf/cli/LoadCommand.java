package io.jbpf.cli;

import io.jbpf.BpfException;
import io.jbpf.BpfObject;
import io.jbpf.BpfProgram;
import io.jbpf.LoadOptions;
import io.jbpf.link.XdpAttach;
import io.jbpf.link.XdpLink;
import io.jbpf.link.XdpMode;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.ProgramSpec;
import io.jbpf.uapi.ProgType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jbpf load OBJ --dev DEV}: load one XDP program and attach it; it stays attached after exit. */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Load an XDP program from a BPF object and attach it to a device.")
final class LoadCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OBJ", description = "BPF object file (clang -target bpf output)")
    Path object;

    @Option(names = {"--dev", "-d"}, required = true, paramLabel = "DEV", description = "device to attach to")
    String device;

    @Option(names = {"--section", "-s", "--progsec"}, paramLabel = "NAME", description = "ELF section of the program")
    String section;

    @Option(names = {"--prog", "--prog-name", "-n"}, paramLabel = "NAME", description = "program (function) name")
    String program;

    @Option(names = {"--mode", "-m"}, paramLabel = "MODE", defaultValue = "native",
            description = "skb, native or hw (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = {"--force", "-F"}, description = "replace a program already attached")
    boolean force;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        XdpMode xdpMode = XdpMode.parse(mode);
        BpfObjectSpec spec = BpfObjectSpec.read(object);
        ProgramSpec chosen = choose(spec);
        if (chosen.type() != null && chosen.type() != ProgType.BPF_PROG_TYPE_XDP) {
            throw new BpfException(spec.source() + ": program " + chosen.name() + " in section " + chosen.section()
                    + " is " + chosen.type() + ", not an XDP program");
        }
        XdpAttach.ifindex(device); // an unknown device fails before anything is loaded
        LoadOptions options = LoadOptions.defaults().onlyProgram(chosen.name()).withDefaultType(ProgType.BPF_PROG_TYPE_XDP);
        try (BpfObject obj = BpfObject.load(spec, options)) {
            obj.warnings().forEach(w -> cmd.commandLine().getErr().println("jbpf: warning: " + w));
            BpfProgram prog = obj.program(chosen.name());
            // Not closed: netlink attachments outlive the process, which is what a loader is for.
            XdpLink link = prog.attachXdp(device, xdpMode, force);
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("object", spec.source());
                o.put("section", chosen.section());
                o.put("program", chosen.name());
                o.put("prog_id", prog.id());
                o.put("tag", prog.tag());
                o.put("dev", device);
                o.put("mode", link.mode().label);
                o.put("maps", obj.maps().values().stream().map(m -> Map.of("name", m.name(), "id", m.id())).toList());
                cmd.commandLine().getOut().println(Json.write(o));
            } else {
                cmd.commandLine().getOut().printf("Loaded %s (section %s) from %s on %s in %s mode: prog id %d, tag %s%n",
                        chosen.name(), chosen.section(), spec.source(), device, link.mode(), prog.id(), prog.tag());
            }
        }
        return 0;
    }

    private ProgramSpec choose(BpfObjectSpec spec) {
        List<ProgramSpec> candidates;
        if (program != null) {
            ProgramSpec p = spec.program(program);
            if (section != null && !p.section().equals(section)) {
                throw new BpfException(spec.source() + ": program " + program + " is in section " + p.section()
                        + ", not " + section);
            }
            return p;
        }
        if (section != null) {
            candidates = spec.programsInSection(section);
        } else {
            candidates = spec.programs().stream().filter(p -> p.type() == ProgType.BPF_PROG_TYPE_XDP).toList();
            if (candidates.isEmpty()) {
                throw new BpfException(spec.source() + ": no XDP program in the object; pick one with --section");
            }
        }
        if (candidates.size() > 1) {
            throw new BpfException(spec.source() + ": " + (section != null ? "section " + section : "the object")
                    + " holds several programs (" + candidates.stream().map(p -> p.name() + " in " + p.section())
                    .collect(Collectors.joining(", ")) + "); pick one with --prog");
        }
        return candidates.get(0);
    }
}
