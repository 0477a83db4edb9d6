package io.jbpf.cli;

import io.jbpf.common.BpfException;
import io.jbpf.BpfObject;
import io.jbpf.BpfProgram;
import io.jbpf.LoadOptions;
import io.jbpf.PinLog;
import io.jbpf.Pins;
import io.jbpf.link.IfAttached;
import io.jbpf.link.LwtRoute;
import io.jbpf.link.TcDirection;
import io.jbpf.link.XdpAttach;
import io.jbpf.link.XdpMode;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.ProgramSpec;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.ProgType;
import io.jbpf.uapi.XdpAction;
import io.jbpf.xdp.RunConfig;
import io.jbpf.xdp.XdpMultiprog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code jbpf load OBJ [--dev DEV] [--pin DIR]}: load an object's programs and maps; attach its XDP
 * program to a device (it stays attached after exit) and/or pin everything in bpffs. With
 * {@code --multi}, the XDP program is added beside the device's others through libxdp's dispatcher
 * ({@link XdpMultiprog}).
 */
final class LoadCommand extends CliCommand {
    private final PositionalParamSpec objectArg = positional(0, "0..1", "OBJ", Path.class,
            "BPF object file (clang -target bpf output), or give it with --filename");
    private final OptionSpec filenameOpt = option("OBJ", Path.class, "the object file, as xdp_loader takes it", "--filename");
    private final OptionSpec deviceOpt = option("DEV", String.class, "device to attach the XDP program to", "--dev", "-d");
    private final OptionSpec sectionOpt = option("NAME", String.class, "ELF section of the program",
            "--section", "-s", "--progsec");
    private final OptionSpec programOpt = option("NAME", String.class, "program (function) name",
            "--prog", "--prog-name", "--progname", "-n");
    private final OptionSpec modeOpt = optionWithDefault("MODE", String.class, "native", "skb, native or hw (default: ${DEFAULT-VALUE})",
            "--mode", "-m");
    private final OptionSpec skbModeOpt = flag("xdp_loader's spelling of --mode skb", "--skb-mode", "-S");
    private final OptionSpec nativeModeOpt = flag("xdp_loader's spelling of --mode native", "--native-mode", "-N");
    private final OptionSpec autoModeOpt = flag("let the kernel pick the XDP mode: native where the driver has it, else skb",
            "--auto-mode", "-A");
    private final OptionSpec unloadOpt = flag("xdp_loader's --unload: detach the XDP program from --dev instead of loading "
            + "(as jbpf unload --dev DEV)", "--unload", "-U");
    private final OptionSpec forceOpt = flag("replace a program already attached", "--force", "-F");
    private final OptionSpec pinMapsOpt = optionalValue("DIR", Path.class, "",
            "pin every map (not global data) as DIR/NAME, reusing a map already pinned there, so a reloaded program keeps "
            + "its counters (the xdp-tutorial's basic04); DIR defaults to /sys/fs/bpf/DEV", "--pin-maps");
    private final OptionSpec pinOpt = option("DIR", Path.class, "pin the loaded programs and maps in this bpffs directory",
            "--pin");
    private final OptionSpec pinPathOpt = optionWithDefault("DIR", Path.class, LoadOptions.DEFAULT_PIN_ROOT.toString(),
            "bpffs root for pinned maps: LIBBPF_PIN_BY_NAME maps as DIR/NAME, iproute2 PIN_OBJECT_NS and "
            + "PIN_GLOBAL_NS maps under DIR/tc/ (default: ${DEFAULT-VALUE})", "--pin-path");
    private final OptionSpec jsonOpt = flag("print the result as JSON", "--json");
    private final OptionSpec attachOpt = flag("attach every program by its section (not only the XDP one), and pin "
            + "the links under --pin DIR/links so they outlive jbpf; jbpf attaches " + Attachments.supported(), "--attach");
    private final OptionSpec xdpViaOpt = optionWithDefault("HOW", String.class, "netlink",
            "attach XDP over netlink (stays after exit) or through a bpf_link (pinned under --pin DIR/links): "
            + "netlink or link (default: ${DEFAULT-VALUE})", "--xdp-via");
    private final OptionSpec tcOpt = option("DIR", String.class,
            "the direction of tc programs whose section does not say: ingress or egress", "--tc");
    private final OptionSpec tcModeOpt = optionWithDefault("MODE", String.class, "tcx",
            "attach tc programs as a TCX link (pinned under --pin DIR/links) or a clsact cls_bpf filter (stays): "
            + "tcx or clsact (default: ${DEFAULT-VALUE})", "--tc-mode");
    private final OptionSpec cgroupOpt = option("PATH", Path.class, "the cgroup for cgroup programs (with --attach)",
            "--cgroup");
    private final OptionSpec multiOpt = flag("add the XDP program beside those on --dev through libxdp's multi-program "
            + "dispatcher, as xdp-loader load does (where the kernel refuses freplace, it is attached alone, as libxdp does)",
            "--multi");
    private final OptionSpec prioOpt = checked("N", Integer.class, new IntRangeConverter(0, Integer.MAX_VALUE, "a run priority"),
            null, "with --multi: run priority, lower runs first (default: the object's XDP_RUN_CONFIG, else 50)",
            "--prio", "-P");
    private final OptionSpec actionsOpt = option("ACTIONS", String.class, "with --multi: the XDP actions after which the "
            + "next program runs, e.g. XDP_PASS,XDP_DROP or pass,drop (default: the object's XDP_RUN_CONFIG, else XDP_PASS)",
            "--actions");
    private final HookOptions hookOpts = new HookOptions(this);

    private String device;
    private String section;
    private String program;
    private Path pinDir;
    private boolean json;

    LoadCommand() {
        super("load", "Load a BPF object: attach its programs, and/or pin its programs and maps.",
                "Without --section/--prog every program is loaded. With --dev alone, the XDP program is attached if there"
                        + " is exactly one that is not a tail-call target of the object's prog arrays (those targets load "
                        + "with any selection). With --attach, every such entry program is attached by its section. If an "
                        + "attach fails, attachments and pins this load made are taken back.");
    }

    @Override
    public Integer call() {
        device = deviceOpt.getValue();
        XdpMode xdpMode = xdpMode();
        if (isSet(unloadOpt)) {
            if (device == null) {
                throw usageError("--unload needs --dev DEV");
            }
            UnloadCommand.detachXdp(out(), device, given(modeOpt) || isSet(skbModeOpt) || isSet(nativeModeOpt) ? xdpMode : null);
            return 0;
        }
        if (!isSet(multiOpt) && (prioOpt.getValue() != null || actionsOpt.getValue() != null)) {
            throw usageError("--prio and --actions go with --multi");
        }
        Path object = objectArg.getValue();
        if ((object == null) == (filenameOpt.getValue() == null)) {
            throw usageError(object == null ? "Missing the object file: give OBJ or --filename OBJ"
                    : "Give the object file once: OBJ or --filename OBJ");
        }
        if (object == null) {
            object = filenameOpt.getValue();
        }
        section = sectionOpt.getValue();
        program = programOpt.getValue();
        pinDir = pinOpt.getValue();
        json = isSet(jsonOpt);
        Path pinPath = pinPathOpt.getValue();
        Path pinMaps = pinMapsOpt.getValue();
        if (pinMaps != null) {
            if (given(pinPathOpt)) {
                throw usageError("--pin-maps and --pin-path exclude each other: --pin-maps DIR pins every map as DIR/NAME");
            }
            if (pinMaps.toString().isEmpty()) {
                if (device == null) {
                    throw usageError("--pin-maps without a directory pins under /sys/fs/bpf/DEV: give --dev DEV or --pin-maps=DIR");
                }
                pinMaps = LoadOptions.DEFAULT_PIN_ROOT.resolve(device);
            }
            pinPath = pinMaps;
        }
        boolean attachAll = isSet(attachOpt);
        if (isSet(multiOpt)) {
            if (device == null || attachAll || pinDir != null || given(xdpViaOpt) || isSet(forceOpt)) {
                throw usageError("--multi needs --dev DEV and takes none of --attach, --pin, --xdp-via, --force");
            }
            // No mode given: the dispatcher's, or native for a new one.
            boolean modeGiven = given(modeOpt) || isSet(skbModeOpt) || isSet(nativeModeOpt);
            return loadMulti(object, modeGiven ? xdpMode : null, pinPath, pinMaps != null);
        }
        if (device == null && pinDir == null && pinMaps == null && !attachAll) {
            throw usageError(
                    "Missing required option: --dev DEV to attach, --pin DIR to pin, or both (nothing else outlives jbpf)");
        }
        Attachments.Target target = new Attachments.Target(device, xdpMode,
                isSet(forceOpt) ? IfAttached.REPLACE : IfAttached.FAIL, Attachments.XdpVia.parse(xdpViaOpt.getValue()), null,
                cgroupOpt.getValue(), tcOpt.getValue() == null ? null : TcDirection.parse(tcOpt.getValue()),
                Attachments.TcMode.parse(tcModeOpt.getValue()), hookOpts.values());
        BpfObjectSpec spec = BpfObjectSpec.read(object);
        if (pinMaps != null) {
            spec = spec.withMapsPinnedByName();
        }
        List<ProgramSpec> selected = select(spec);
        // A program named with --prog attaches even if it is also a tail-call target.
        List<ProgramSpec> toAttach = attachAll ? (program != null ? selected : Attachments.entries(spec, selected, spec.source()))
                : device == null ? List.of() : List.of(xdpProgram(spec, selected));
        if (attachAll) {
            toAttach.forEach(p -> Attachments.requireHook(p.name(), p.section(), p.type()));
        }
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
            // pins of the object's pinned maps go again, pins that were there before stay; links
            // made are closed unpinned, which detaches them.
            PinLog cliPins = new PinLog();
            List<Path> pins;
            List<Attachments.Attached> attached = new ArrayList<>();
            Map<Attachments.Attached, Path> linkPins = new IdentityHashMap<>();
            try {
                pins = pinDir == null ? List.of() : Pins.pinAll(obj, pinDir, cliPins);
                for (ProgramSpec ps : toAttach) {
                    attached.addAll(Attachments.attach(obj.program(ps.name()), target, obj::maps));
                }
                for (Attachments.Attached a : attached) {
                    if (a.outlivesProcess()) {
                        continue; // netlink XDP, an LWT route: not a bpf_link, nothing to pin
                    }
                    if (pinDir == null) {
                        throw new BpfException("program " + a.program().name() + " is attached to " + a.where()
                                + " through a bpf_link, which ends when jbpf exits: give --pin DIR to pin it under DIR/links");
                    }
                    cliPins.createDirectories(pinDir.resolve("links"));
                    Path at = pinDir.resolve("links").resolve(a.pinName());
                    a.link().pin(at);
                    linkPins.put(a, at);
                }
            } catch (RuntimeException e) {
                for (Attachments.Attached a : attached) {
                    a.link().unpin();
                    a.link().close(); // detaches: an unpinned bpf_link, and a netlink XDP program if still ours
                }
                cliPins.undo();
                obj.pinLog().undo();
                throw e;
            }
            report(out, spec, obj, attached, pins, linkPins);
            // bpf_links are pinned by now: closing their fds leaves them attached. Netlink XDP
            // attachments stay whatever happens to jbpf's objects.
            attached.stream().filter(a -> !a.outlivesProcess()).forEach(a -> a.link().close());
            // A route stays by itself: let go of the netlink socket that would delete it.
            attached.stream().filter(a -> a.link() instanceof LwtRoute).forEach(a -> ((LwtRoute) a.link()).release());
        }
        return 0;
    }

    /** --multi: the XDP program added beside the device's others through libxdp's dispatcher. */
    private int loadMulti(Path object, XdpMode mode, Path pinPath, boolean pinMaps) {
        Set<XdpAction> actions = actionsOpt.getValue() == null ? null : actions(actionsOpt.getValue());
        BpfObjectSpec spec = BpfObjectSpec.read(object);
        if (pinMaps) {
            spec = spec.withMapsPinnedByName();
        }
        ProgramSpec prog = xdpProgram(spec, select(spec));
        RunConfig config = RunConfig.of(spec, prog.name());
        if (prioOpt.getValue() != null) {
            config = config.withPriority(prioOpt.getValue());
        }
        if (actions != null) {
            config = config.withChainCallActions(actions);
        }
        LoadOptions options = LoadOptions.defaults().withPinRoot(pinPath).withDefaultType(ProgType.XDP);
        XdpMultiprog mp = XdpMultiprog.add(device, mode, spec, prog.name(), config, options);
        mp.fallback().ifPresent(why -> err().println("jbpf: " + why + "; loaded " + prog.name()
                + " directly on " + device + " instead, as the only XDP program there (libxdp falls back the same way)"));
        XdpMultiprog.Component added = mp.components().stream().filter(c -> c.name().equals(io.jbpf.KernelInfo
                .kernelName(prog.name()))).reduce((a, b) -> a.progId() > b.progId() ? a : b).orElseThrow();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("object", spec.source());
            o.put("program", prog.name());
            o.put("prog_id", added.progId());
            o.put("device", device);
            o.put("mode", mp.mode().label);
            o.put("priority", added.config().priority());
            o.put("chain_call_actions", added.config().chainCallActions().stream().map(XdpAction::kernelName).toList());
            o.put("dispatcher_id", mp.dispatcherId() == 0 ? null : mp.dispatcherId());
            o.put("fallback", mp.fallback().orElse(null));
            out().println(Json.write(o));
            return 0;
        }
        out().println("Loaded " + prog.name() + " (section " + prog.section() + ") from " + spec.source() + " on " + device
                + " (" + mp.mode() + " mode): prog id " + added.progId() + ", tag " + added.tag()
                + (mp.dispatcherId() == 0 ? "" : ", priority " + added.config().priority() + ", slot " + added.slot()
                + " of dispatcher id " + mp.dispatcherId() + " (" + mp.components().size() + " programs)"));
        return 0;
    }

    /** --actions: XDP action names, with or without the XDP_ prefix, any case, comma-separated. */
    private Set<XdpAction> actions(String list) {
        Set<XdpAction> out = EnumSet.noneOf(XdpAction.class);
        for (String a : list.split(",")) {
            String name = a.strip().toUpperCase(Locale.ROOT);
            if (name.startsWith("XDP_")) {
                name = name.substring(4);
            }
            try {
                out.add(XdpAction.valueOf(name));
            } catch (IllegalArgumentException e) {
                throw usageError("--actions: '" + a.strip() + "' is not an XDP action; give some of "
                        + "XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT (or pass, drop ...)");
            }
        }
        return out;
    }

    /** The XDP mode of --mode, or of xdp_loader's -S, -N and -A (null: the kernel picks); one of them at most. */
    private XdpMode xdpMode() {
        long modes = java.util.stream.Stream.of(skbModeOpt, nativeModeOpt, autoModeOpt).filter(CliCommand::isSet).count()
                + (given(modeOpt) ? 1 : 0);
        if (modes > 1) {
            throw usageError("Give one XDP mode: --mode MODE, -S/--skb-mode, -N/--native-mode or -A/--auto-mode");
        }
        return isSet(skbModeOpt) ? XdpMode.SKB : isSet(nativeModeOpt) ? XdpMode.NATIVE : isSet(autoModeOpt) ? null
                : XdpMode.parse(modeOpt.getValue());
    }

    private void report(PrintWriter out, BpfObjectSpec spec, BpfObject obj, List<Attachments.Attached> attached,
                        List<Path> pins, Map<Attachments.Attached, Path> linkPins) {
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
            List<Map<String, Object>> att = new ArrayList<>();
            for (Attachments.Attached a : attached) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("program", a.program().name());
                m.put("prog_id", a.program().id());
                m.put("attached_to", a.where());
                int linkId = a.link().info().id();
                if (linkId != 0) {
                    m.put("link_id", linkId);
                }
                if (linkPins.containsKey(a)) {
                    m.put("pin", linkPins.get(a).toString());
                } else if (a.link() instanceof LwtRoute) {
                    m.put("note", routeNote(a));
                }
                att.add(m);
            }
            o.put("attached", att);
            o.put("pins", pins.stream().map(Path::toString).toList());
            out.println(Json.write(o));
            return;
        }
        for (Attachments.Attached a : attached) {
            BpfProgram prog = a.program();
            int linkId = a.link().info().id();
            out.println("Loaded " + prog.name() + " (section " + prog.section() + ") from " + spec.source() + " on "
                    + a.where() + ": prog id " + prog.id() + ", tag " + prog.tag()
                    + (linkPins.containsKey(a) ? ", link pinned at " + linkPins.get(a) + " (link id " + linkId + ")" : "")
                    + (a.link() instanceof LwtRoute ? "; " + routeNote(a) : ""));
        }
        if (!pins.isEmpty()) {
            out.println("Pinned " + obj.programs().size() + " programs and " + obj.maps().size() + " maps under " + pinDir);
        }
    }

    /** What --pin does not do for a route, and how it goes again. */
    private String routeNote(Attachments.Attached a) {
        LwtRoute.Route r = ((LwtRoute) a.link()).route();
        return "a route is no bpf_link, so " + (pinDir == null ? "" : "--pin pins nothing for it: ") + "it stays until "
                + "jbpf unload --route " + r.destination().getHostAddress() + "/" + r.prefixLength() + " --dev " + r.device();
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
