package io.jbpf.cli;

import io.jbpf.BpfMap;
import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.link.IfAttached;
import io.jbpf.link.TcDirection;
import io.jbpf.link.LwtRoute;
import io.jbpf.link.XdpLink;
import io.jbpf.link.XdpMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code jbpf attach PROG ...}: attaches a program that is already loaded (pinned, or by id) to
 * a hook, through the same table as {@code jbpf load --attach}. An attachment through a bpf_link
 * is pinned at {@code --pin PATH}, which keeps it after jbpf exits.
 */
final class AttachCommand extends CliCommand {
    private final PositionalParamSpec words = words(0, "2", "PROG", "the program: " + ObjectRef.Of.PROGRAM.syntax());
    private final OptionSpec deviceOpt = option("DEV", String.class, "the device, for XDP programs", "--dev", "-d");
    private final OptionSpec modeOpt = optionWithDefault("MODE", String.class, "native",
            "XDP mode: skb, native or hw (default: ${DEFAULT-VALUE})", "--mode", "-m");
    private final OptionSpec forceOpt = flag("replace an XDP program already attached", "--force", "-F");
    private final OptionSpec xdpViaOpt = optionWithDefault("HOW", String.class, "netlink",
            "attach XDP over netlink or through a bpf_link: netlink or link (default: ${DEFAULT-VALUE})", "--xdp-via");
    private final OptionSpec tracepointOpt = option("CATEGORY/NAME", String.class,
            "the tracepoint, for tracepoint programs (a loaded program has no section to name it)", "--tracepoint");
    private final OptionSpec tcOpt = option("DIR", String.class,
            "the direction of tc programs whose section does not say: ingress or egress", "--tc");
    private final OptionSpec tcModeOpt = optionWithDefault("MODE", String.class, "tcx",
            "attach tc programs as a TCX link (pinned under --pin DIR/links) or a clsact cls_bpf filter (stays): "
            + "tcx or clsact (default: ${DEFAULT-VALUE})", "--tc-mode");
    private final OptionSpec cgroupOpt = option("PATH", Path.class, "the cgroup, for cgroup programs", "--cgroup");
    private final OptionSpec pinOpt = option("PATH", Path.class,
            "pin the link here in bpffs (needed for every attachment but netlink XDP, clsact filters and LWT routes, which "
            + "stay by themselves); perf_event programs get one link per CPU, pinned as PATH_cpuN", "--pin");
    private final HookOptions hookOpts = new HookOptions(this);
    private final OptionSpec jsonOpt = flag("print the attachments as JSON (one entry per link or attachment)", "--json");

    AttachCommand() {
        super("attach", "Attach a loaded program to a hook; jbpf attaches " + Attachments.supported() + ".");
    }

    @Override
    public Integer call() {
        List<String> w = Words.of(words);
        ObjectRef ref = Words.ref(this, w, 0, ObjectRef.Of.PROGRAM);
        Path pin = pinOpt.getValue();
        Attachments.Target target = new Attachments.Target(deviceOpt.getValue(), XdpMode.parse(modeOpt.getValue()),
                isSet(forceOpt) ? IfAttached.REPLACE : IfAttached.FAIL, Attachments.XdpVia.parse(xdpViaOpt.getValue()),
                tracepointOpt.getValue(), cgroupOpt.getValue(), tcOpt.getValue() == null ? null : TcDirection.parse(tcOpt.getValue()),
                Attachments.TcMode.parse(tcModeOpt.getValue()), hookOpts.values());
        Map<String, BpfMap> maps = new LinkedHashMap<>();
        try (BpfProgram prog = ref.program()) {
            List<Attachments.Attached> made = Attachments.attach(prog, target, () -> programMaps(prog, target, maps));
            try {
                for (Attachments.Attached a : made) {
                    if (!a.outlivesProcess()) {
                        if (pin == null) {
                            throw new BpfException("program " + prog.name() + " (id " + prog.id() + ") attaches to " + a.where()
                                    + " through a bpf_link, which ends when jbpf exits: give --pin PATH to keep it");
                        }
                        a.link().pin(pinPath(pin, prog, a, made.size()));
                    } else if (pin != null) {
                        throw usageError("--pin: " + a.where() + " has no link to pin (it stays by itself)"
                                + (a.link() instanceof XdpLink ? "; use --xdp-via link for a pinned link" : ""));
                    }
                }
            } catch (RuntimeException e) {
                for (Attachments.Attached a : made) {
                    a.link().unpin();
                    a.link().close(); // not pinned: this detaches it again
                }
                throw e;
            }
            List<Map<String, Object>> json = new ArrayList<>();
            for (Attachments.Attached a : made) {
                int linkId = a.link().info().id();
                if (isSet(jsonOpt)) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("program", prog.name());
                    m.put("prog_id", prog.id());
                    m.put("attached_to", a.where());
                    if (linkId != 0) {
                        m.put("link_id", linkId);
                    }
                    if (!a.outlivesProcess()) {
                        m.put("pin", pinPath(pin, prog, a, made.size()).toString());
                    }
                    json.add(m);
                } else {
                    out().println("Attached program " + prog.id() + " (" + prog.name() + ") to " + a.where()
                            + (linkId != 0 ? ", link " + linkId + " pinned at " + pinPath(pin, prog, a, made.size()) : ""));
                }
                if (!a.outlivesProcess()) {
                    a.link().close(); // pinned: the attachment stays
                } else if (a.link() instanceof LwtRoute r) {
                    r.release(); // the route stays by itself
                }
            }
            if (isSet(jsonOpt)) {
                out().println(Json.write(Map.of("attached", json)));
            }
        } finally {
            maps.values().forEach(BpfMap::close);
        }
        return 0;
    }

    /** PATH, or PATH_cpuN for one of several per-CPU links. */
    private static Path pinPath(Path pin, BpfProgram prog, Attachments.Attached a, int links) {
        if (links == 1) {
            return pin;
        }
        String suffix = a.pinName().substring(prog.name().replace('.', '_').length());
        return pin.resolveSibling(pin.getFileName() + suffix);
    }

    /**
     * The maps --map can name for a loaded program: the maps it uses, by name, and the one --map
     * names by its pinned path (a program such as a stream parser need not use its sockmap).
     */
    private static Map<String, BpfMap> programMaps(BpfProgram prog, Attachments.Target target, Map<String, BpfMap> maps) {
        if (maps.isEmpty()) {
            String named = target.more().map();
            if (named != null && named.contains("/")) {
                maps.put(named, BpfMap.fromPin(Path.of(named)));
            }
            for (int id : prog.info().mapIds()) {
                BpfMap m = BpfMap.fromId(id);
                if (maps.putIfAbsent(m.name(), m) != null) {
                    m.close();
                }
            }
        }
        return maps;
    }
}
