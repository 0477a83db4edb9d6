package io.jbpf.cli;

import io.jbpf.common.BpfException;
import io.jbpf.BpfObject;
import io.jbpf.BpfProgram;
import io.jbpf.LoadOptions;
import io.jbpf.PinLog;
import io.jbpf.Pins;
import io.jbpf.link.IfAttached;
import io.jbpf.link.XdpAttach;
import io.jbpf.link.XdpBusyException;
import io.jbpf.link.XdpLink;
import io.jbpf.link.XdpMode;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.ProgramSpec;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.ProgType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code jbpf load OBJ [--dev DEV] [--pin DIR]}: load an object's programs and maps; attach its XDP
 * program to a device (it stays attached after exit) and/or pin everything in bpffs.
 */
final class LoadCommand extends CliCommand {
    private final PositionalParamSpec objectArg = positional(0, "1", "OBJ", Path.class,
            "BPF object file (clang -target bpf output)");
    private final OptionSpec deviceOpt = option("DEV", String.class, "device to attach the XDP program to", "--dev", "-d");
    private final OptionSpec sectionOpt = option("NAME", String.class, "ELF section of the program",
            "--section", "-s", "--progsec");
    private final OptionSpec programOpt = option("NAME", String.class, "program (function) name",
            "--prog", "--prog-name", "-n");
    private final OptionSpec modeOpt = optionWithDefault("MODE", String.class, "native", "skb, native or hw (default: ${DEFAULT-VALUE})",
            "--mode", "-m");
    private final OptionSpec forceOpt = flag("replace a program already attached", "--force", "-F");
    private final OptionSpec pinOpt = option("DIR", Path.class, "pin the loaded programs and maps in this bpffs directory",
            "--pin");
    private final OptionSpec pinPathOpt = optionWithDefault("DIR", Path.class, LoadOptions.DEFAULT_PIN_ROOT.toString(),
            "bpffs root for pinned maps: LIBBPF_PIN_BY_NAME maps as DIR/NAME, iproute2 PIN_OBJECT_NS and "
            + "PIN_GLOBAL_NS maps under DIR/tc/ (default: ${DEFAULT-VALUE})", "--pin-path");
    private final OptionSpec jsonOpt = flag("print the result as JSON", "--json");

    private String device;
    private String section;
    private String program;
    private Path pinDir;
    private boolean json;

    LoadCommand() {
        super("load", "Load a BPF object: attach its XDP program to a device, and/or pin its programs and maps.",
                "Without --section/--prog every program is loaded and the XDP one is attached if there is exactly one "
                        + "that is not a tail-call target of the object's prog arrays. Those targets load with any "
                        + "selection. If the attach fails, pins this load made are removed again.");
    }

    @Override
    public Integer call() {
        Path object = objectArg.getValue();
        device = deviceOpt.getValue();
        section = sectionOpt.getValue();
        program = programOpt.getValue();
        pinDir = pinOpt.getValue();
        json = isSet(jsonOpt);
        Path pinPath = pinPathOpt.getValue();
        XdpMode xdpMode = XdpMode.parse(modeOpt.getValue());
        if (device == null && pinDir == null) {
            throw usageError(
                    "Missing required option: --dev DEV to attach, --pin DIR to pin, or both (nothing else outlives jbpf)");
        }
        BpfObjectSpec spec = BpfObjectSpec.read(object);
        List<ProgramSpec> selected = select(spec);
        ProgramSpec toAttach = device == null ? null : xdpProgram(spec, selected);
        if (device != null) {
            XdpAttach.ifindex(device); // an unknown device fails before anything is loaded
        }
        LoadOptions options = LoadOptions.defaults().withPinRoot(pinPath).withDefaultType(ProgType.XDP);
        if (program != null || section != null) {
            options = new LoadOptions(selected::contains, options.defaultType(), options.logLevel(), options.pinRoot(),
                    options.freplaceTarget());
        }
        PrintWriter out = out();
        try (BpfObject obj = BpfObject.load(spec, options)) {
            obj.warnings().forEach(w -> err().println("jbpf: warning: " + w));
            if (pinDir == null) {
                // The kernel empties a prog array when its last user-space reference goes: jbpf's fd, at exit.
                obj.maps().values().stream().filter(m -> m.type() == MapType.PROG_ARRAY)
                        .forEach(m -> err().println("jbpf: warning: prog array " + m.name()
                                + " is emptied when jbpf exits, so tail calls through it stop; use --pin DIR to keep it"));
            }
            // A load that fails after pinning leaves bpffs as it found it: the --pin DIR pins and the
            // pins of the object's pinned maps go again, pins that were there before stay.
            PinLog cliPins = new PinLog();
            List<Path> pins;
            XdpLink link = null;
            BpfProgram prog = toAttach == null ? null : obj.program(toAttach.name());
            try {
                pins = pinDir == null ? List.of() : Pins.pinAll(obj, pinDir, cliPins);
                if (prog != null) {
                    // Not closed: netlink attachments outlive the process, which is what a loader is for.
                    link = attach(prog, xdpMode);
                }
            } catch (RuntimeException e) {
                cliPins.undo();
                obj.pinLog().undo();
                throw e;
            }
            report(out, spec, obj, prog, link, pins);
        }
        return 0;
    }

    private XdpLink attach(BpfProgram prog, XdpMode mode) {
        boolean force = isSet(forceOpt);
        try {
            return XdpLink.attach(prog, device, mode, force ? IfAttached.REPLACE : IfAttached.FAIL);
        } catch (XdpBusyException e) {
            // The library names its API; the CLI says which flag does the same, where one would help.
            throw e.linkId() == 0 && !force ? new BpfException(e.message("use --force to replace it"), e.errno()) : e;
        }
    }

    private void report(PrintWriter out, BpfObjectSpec spec, BpfObject obj, BpfProgram prog, XdpLink link, List<Path> pins) {
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("object", spec.source());
            o.put("programs", obj.programs().values().stream().map(p -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", p.name());
                m.put("section", p.section());
                m.put("prog_id", p.id());
                m.put("tag", p.tag());
                return m;
            }).toList());
            o.put("maps", obj.maps().values().stream().map(m -> Map.of("name", m.name(), "id", m.id())).toList());
            if (link != null) {
                o.put("program", prog.name());
                o.put("prog_id", prog.id());
                o.put("dev", device);
                o.put("mode", link.mode().label);
            }
            o.put("pins", pins.stream().map(Path::toString).toList());
            out.println(Json.write(o));
            return;
        }
        if (link != null) {
            out.println("Loaded " + prog.name() + " (section " + prog.section() + ") from " + spec.source() + " on " + device
                    + " in " + link.mode() + " mode: prog id " + prog.id() + ", tag " + prog.tag());
        }
        if (!pins.isEmpty()) {
            out.println("Pinned " + obj.programs().size() + " programs and " + obj.maps().size() + " maps under " + pinDir);
        }
    }

    /** The programs to load: the one named by --prog, those in --section, or all. */
    private List<ProgramSpec> select(BpfObjectSpec spec) {
        if (program != null) {
            ProgramSpec p = spec.program(program);
            if (section != null && !p.section().equals(section)) {
                throw new BpfException(spec.source() + ": program " + program + " is in section " + p.section()
                        + ", not " + section);
            }
            return List.of(p);
        }
        return section != null ? spec.programsInSection(section) : spec.programs();
    }

    /**
     * The one XDP program among {@code selected} to attach, or a clear error when there is none or
     * several. Tail-call targets of the object's prog arrays are not entry points, so they are
     * candidates only when named with --prog or when no other XDP program is.
     */
    private ProgramSpec xdpProgram(BpfObjectSpec spec, List<ProgramSpec> selected) {
        boolean named = program != null || section != null;
        List<ProgramSpec> xdp = selected.stream()
                .filter(p -> p.type() == ProgType.XDP || named && p.type() == null).toList();
        List<ProgramSpec> entries = program != null ? xdp
                : xdp.stream().filter(p -> !spec.tailCallTargets().contains(p.name())).toList();
        List<ProgramSpec> candidates = entries.isEmpty() ? xdp : entries;
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        String what = section != null ? "section " + section : "the object";
        if (selected.isEmpty()) {
            throw new BpfException(spec.source() + ": the object has no programs (only "
                    + (spec.maps().isEmpty() ? "data" : "maps: " + String.join(", ", spec.maps().keySet()))
                    + "), so there is nothing to attach to " + device);
        }
        if (xdp.isEmpty()) {
            ProgramSpec p = selected.get(0);
            throw new BpfException(spec.source() + ": " + what + " has no XDP program to attach"
                    + (p.type() != null ? " (" + p.name() + " is " + p.type().kernelName() + ")" : ""));
        }
        throw new BpfException(spec.source() + ": " + what + " holds several XDP programs ("
                + candidates.stream().map(p -> p.name() + " in " + p.section()).collect(Collectors.joining(", "))
                + "); pick one with --prog or --section");
    }
}
