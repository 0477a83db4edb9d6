package io.jbpf.cli;

import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.MapSpec;
import io.jbpf.spec.ProgramSpec;
import io.jbpf.spec.Relocation;
import io.jbpf.spec.VariableSpec;
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
        out.printf("%s: license \"%s\"%s%n", spec.source(), spec.license(), spec.btf().isPresent() ? ", BTF" : "");
        out.println("\nSections:");
        out.printf("  %3s  %-28s %-8s %8s%n", "idx", "name", "kind", "size");
        for (BpfObjectSpec.SectionInfo s : spec.sections()) {
            out.printf("  %3d  %-28s %-8s %8d%n", s.index(), s.name(), s.kind(), s.size());
        }
        out.println("\nPrograms:");
        for (ProgramSpec p : spec.programs()) {
            out.printf("  %-24s section %-20s %-28s %5d insns%s%n", p.name(), p.section(), typeName(p), p.instructionCount(),
                    p.subprograms().isEmpty() ? "" : "  calls " + String.join(", ", p.subprograms()));
        }
        out.println("\nMaps:");
        for (MapSpec m : spec.maps().values()) {
            out.printf("  %-24s %-28s key %3d  value %5d  max_entries %7d  flags 0x%x%s%n", m.name(), m.typeName(),
                    m.keySize(), m.valueSize(), m.maxEntries(), m.flags(), m.legacy() ? "  (legacy maps section)"
                            : m.internal() ? "  (global data " + m.section() + ")" : "");
        }
        if (!spec.variables().isEmpty()) {
            out.println("\nGlobal variables:");
            for (VariableSpec v : spec.variables()) {
                out.printf("  %-24s %-16s offset %5d  size %5d%n", v.name(), v.section(), v.offset(), v.size());
            }
        }
        out.println("\nRelocations:");
        for (ProgramSpec p : spec.programs()) {
            for (Relocation r : p.relocations()) {
                out.printf("  %-24s insn %4d  %-6s %s%n", p.name(), r.instruction(), r.kind(),
                        r.kind() == Relocation.Kind.MAP ? r.target() : r.section() + "+" + r.offset() + " (" + r.symbol() + ")");
            }
        }
        return 0;
    }

    private static String typeName(ProgramSpec p) {
        return p.type() == null ? "(type not implied by name)" : p.type().name();
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
            m.put("type", p.type() == null ? null : p.type().name());
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
            mm.put("type", m.typeName());
            mm.put("key_size", m.keySize());
            mm.put("value_size", m.valueSize());
            mm.put("max_entries", m.maxEntries());
            mm.put("flags", m.flags());
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
