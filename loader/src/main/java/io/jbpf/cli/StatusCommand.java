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
import picocli.CommandLine.Model.OptionSpec;

/** {@code jbpf status [--dev DEV]}: the XDP programs on this namespace's devices, like xdp-loader status. */
final class StatusCommand extends CliCommand {
    private final OptionSpec deviceOpt = option("DEV", String.class, "only this device", "--dev", "-d");
    private final OptionSpec jsonOpt = flag("print as JSON", "--json");

    StatusCommand() {
        super("status", "Show the XDP programs attached to devices.");
    }

    @Override
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
                + " Tag");
        out.println("-".repeat(68));
        for (Map<String, Object> r : rows) {
            if (r.get("prog_id") == null) {
                out.println(left(r.get("ifname"), 16) + " <no XDP program>");
            } else {
                out.println(left(r.get("ifname"), 16) + " " + left(r.get("mode"), 8) + " " + left(r.get("prog_id"), 8) + " "
                        + left(r.get("prog_name"), 16) + " " + r.get("tag"));
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
        return r;
    }
}
