package io.jbpf.cli;

import static io.jbpf.cli.Text.left;

import io.jbpf.common.BpfException;
import io.jbpf.BpfProgram;
import io.jbpf.link.XdpAttach;
import io.jbpf.link.XdpMode;
import io.jbpf.link.XdpStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.jbpf.uapi.XdpAction;
import io.jbpf.xdp.XdpMultiprog;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code jbpf status [--dev DEV]}: the XDP programs on this namespace's devices, like xdp-loader
 * status: for a libxdp dispatcher, its programs in run order with priority and chain-call actions.
 */
final class StatusCommand extends CliCommand {
    private final OptionSpec deviceOpt = option("DEV", String.class, "only this device", "--dev", "-d");
    private final OptionSpec jsonOpt = flag("print as JSON", "--json");

    StatusCommand() {
        super("status", "Show the XDP programs attached to devices.");
    }

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        String device = deviceOpt.getValue();
        List<XdpStatus> links = device != null ? List.of(XdpAttach.query(device)) : XdpAttach.queryAll();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (XdpStatus s : links) {
            List<XdpMode> modes = s.modes();
            if (modes.isEmpty()) {
                rows.add(row(s, null));
            }
            for (XdpMode m : modes) {
                rows.add(row(s, m));
            }
        }
        PrintWriter out = out();
        if (isSet(jsonOpt)) {
            out.println(Json.write(rows));
            return 0;
        }
        out.println(left("Interface", 16) + " " + left("Mode", 8) + " " + left("Prog id", 8) + " " + left("Prog name", 16)
                + " " + left("Tag", 16) + "  Prio  Chain actions");
        out.println("-".repeat(94));
        for (Map<String, Object> r : rows) {
            if (r.get("prog_id") == null) {
                out.println(left(r.get("ifname"), 16) + " <no XDP program>");
            } else {
                out.println(left(r.get("ifname"), 16) + " " + left(r.get("mode"), 8) + " " + left(r.get("prog_id"), 8) + " "
                        + left(r.get("prog_name"), 16) + " " + r.get("tag"));
                // a dispatcher's programs, in run order, as xdp-loader status lists them
                if (r.get("programs") instanceof List<?> comps) {
                    for (Object o : comps) {
                        Map<?, ?> c = (Map<?, ?>) o;
                        out.println(left(" =>", 16) + " " + left("", 8) + " " + left(c.get("prog_id"), 8) + " "
                                + left(c.get("prog_name"), 16) + " " + left(c.get("tag"), 16) + "  " + left(c.get("priority"), 5)
                                + " " + String.join(",", (List<String>) c.get("chain_call_actions")));
                    }
                }
                if (r.get("programs_error") != null) {
                    out.println(left(" =>", 16) + " cannot list the dispatcher's programs: " + r.get("programs_error"));
                }
            }
        }
        return 0;
    }

    private static Map<String, Object> row(XdpStatus s, XdpMode mode) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ifname", s.ifname());
        r.put("ifindex", s.ifindex());
        r.put("mode", mode == null ? null : mode.label);
        if (mode == null) {
            r.put("prog_id", null);
            return r;
        }
        int id = s.progId(mode);
        r.put("prog_id", id);
        try (BpfProgram p = BpfProgram.fromId(id)) {
            r.put("prog_name", p.name());
            r.put("tag", p.tag());
        } catch (BpfException e) {
            // detached or unloaded between the two queries
            r.put("prog_name", "?");
            r.put("tag", "?");
        }
        if (XdpMultiprog.DISPATCHER_NAME.equals(r.get("prog_name"))) {
            try {
                XdpMultiprog.query(s.ifname()).filter(mp -> mp.dispatcherId() == id).ifPresent(mp -> {
                    r.put("dispatcher", true);
                    r.put("programs", mp.components().stream().map(c -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("slot", c.slot());
                        m.put("prog_id", c.progId());
                        m.put("prog_name", c.name());
                        m.put("tag", c.tag());
                        m.put("priority", c.config().priority());
                        m.put("chain_call_actions", c.config().chainCallActions().stream().map(XdpAction::kernelName).toList());
                        return m;
                    }).toList());
                });
            } catch (BpfException e) {
                r.put("programs_error", e.getMessage()); // pins missing or unreadable: say so, list the rest
            }
        }
        return r;
    }
}
