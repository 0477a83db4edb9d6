package io.jbpf.cli;

import static io.jbpf.cli.Text.left;
import static io.jbpf.cli.Text.right;

import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.MapSpec;
import io.jbpf.spec.ProgramSpec;
import io.jbpf.spec.Relocation;
import io.jbpf.spec.VariableSpec;
import io.jbpf.uapi.MapFlag;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code jbpf inspect OBJ}: what an object holds, read from the file alone (no kernel, no root). */
final class InspectCommand extends CliCommand {
    private final PositionalParamSpec objectArg = positional(0, "1", "OBJ", Path.class, "BPF object file");
    private final OptionSpec jsonOpt = flag("print as JSON", "--json");

    InspectCommand() {
        super("inspect", "Show the sections, programs, maps and relocations of a BPF object file.");
    }

    @Override
    public Integer call() {
        BpfObjectSpec spec = BpfObjectSpec.read(objectArg.<Path>getValue());
        PrintWriter out = out();
        if (isSet(jsonOpt)) {
            out.println(Json.write(toTree(spec)));
            return 0;
        }
        out.println(spec.source() + ": license \"" + spec.license() + "\"" + (spec.btf().isPresent() ? ", BTF" : ""));
        out.println("\nSections:");
        out.println("  " + right("idx", 3) + "  " + left("name", 28) + " " + left("kind", 8) + " " + right("size", 8));
        for (BpfObjectSpec.SectionInfo s : spec.sections()) {
            out.println("  " + right(s.index(), 3) + "  " + left(s.name(), 28) + " " + left(s.kind(), 8) + " "
                    + right(s.size(), 8));
        }
        out.println("\nPrograms:");
        for (ProgramSpec p : spec.programs()) {
            out.println("  " + left(p.name(), 24) + " section " + left(p.section(), 20) + " " + left(typeName(p), 28) + " "
                    + right(p.instructionCount(), 5) + " insns"
                    + (p.subprograms().isEmpty() ? "" : "  calls " + String.join(", ", p.subprograms())));
        }
        out.println("\nMaps:");
        for (MapSpec m : spec.maps().values()) {
            out.println("  " + left(m.name(), 24) + " " + left(m.type().kernelName(), 28) + " key " + right(m.keySize(), 3)
                    + "  value " + right(m.valueSize(), 5) + "  max_entries " + right(m.maxEntries(), 7)
                    + "  flags 0x" + Integer.toHexString(MapFlag.toBits(m.flags())) + (m.legacy() ? "  (legacy maps section)"
                            : m.internal() ? "  (global data " + m.section() + ")" : ""));
        }
        if (!spec.variables().isEmpty()) {
            out.println("\nGlobal variables:");
            for (VariableSpec v : spec.variables()) {
                out.println("  " + left(v.name(), 24) + " " + left(v.section(), 16) + " offset " + right(v.offset(), 5)
                        + "  size " + right(v.size(), 5));
            }
        }
        out.println("\nRelocations:");
        for (ProgramSpec p : spec.programs()) {
            for (Relocation r : p.relocations()) {
                out.println("  " + left(p.name(), 24) + " insn " + right(r.instruction(), 4) + "  " + left(r.kind(), 6) + " "
                        + (r.kind() == Relocation.Kind.MAP ? r.target()
                                : r.section() + "+" + r.offset() + " (" + r.symbol() + ")"));
            }
        }
        return 0;
    }

    private static String typeName(ProgramSpec p) {
        return p.type() == null ? "(type not implied by name)" : p.type().kernelName();
    }

    private static Map<String, Object> toTree(BpfObjectSpec spec) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("object", spec.source());
        o.put("license", spec.license());
        o.put("btf", spec.btf().isPresent());
        List<Object> sections = new ArrayList<>();
        for (BpfObjectSpec.SectionInfo s : spec.sections()) {
            sections.add(Map.of("index", s.index(), "name", s.name(), "kind", s.kind(), "size", s.size()));
        }
        o.put("sections", sections);
        List<Object> programs = new ArrayList<>();
        for (ProgramSpec p : spec.programs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("section", p.section());
            m.put("type", p.type() == null ? null : p.type().kernelName());
            m.put("insns", p.instructionCount());
            m.put("subprograms", p.subprograms());
            List<Object> rels = new ArrayList<>();
            for (Relocation r : p.relocations()) {
                Map<String, Object> rm = new LinkedHashMap<>();
                rm.put("insn", r.instruction());
                rm.put("kind", r.kind().name());
                rm.put("symbol", r.symbol());
                rm.put("section", r.section());
                rm.put("target", r.target());
                rm.put("offset", r.offset());
                rels.add(rm);
            }
            m.put("relocations", rels);
            programs.add(m);
        }
        o.put("programs", programs);
        List<Object> maps = new ArrayList<>();
        for (MapSpec m : spec.maps().values()) {
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("name", m.name());
            mm.put("type", m.type().kernelName());
            mm.put("key_size", m.keySize());
            mm.put("value_size", m.valueSize());
            mm.put("max_entries", m.maxEntries());
            mm.put("flags", MapFlag.toBits(m.flags()));
            mm.put("legacy", m.legacy());
            mm.put("section", m.section());
            maps.add(mm);
        }
        o.put("maps", maps);
        o.put("variables", spec.variables().stream().map(v -> Map.of("name", v.name(), "section", v.section(),
                "offset", v.offset(), "size", v.size())).toList());
        return o;
    }
}
