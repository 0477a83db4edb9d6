package io.jbpf.cli;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.link.NetnsLink;
import io.jbpf.link.ClsBpfFilter;
import io.jbpf.link.TcDirection;
import io.jbpf.link.TcxLink;
import io.jbpf.link.XdpAttach;
import io.jbpf.link.XdpMode;
import io.jbpf.link.XdpStatus;
import io.jbpf.uapi.AttachType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code jbpf net}: the programs on this network namespace's devices and the namespace itself,
 * like {@code bpftool net}: XDP per device and mode, tcx links and clsact bpf filters per device
 * and direction, and the flow dissector.
 */
final class NetCommand extends CliCommand {
    /** This thread's network namespace (/proc/self is the main thread's, which may be another). */
    private static final Path OWN_NETNS = Path.of("/proc/thread-self/ns/net");

    private final OptionSpec deviceOpt = option("DEV", String.class, "only this device", "--dev", "-d");
    private final OptionSpec json = flag("print as JSON, with bpftool's field names", "--json", "-j");

    NetCommand() {
        super("net", "Show the programs attached to network devices (XDP, tcx, clsact bpf filters) and the flow dissector,"
                + " as bpftool net.");
    }

    @Override
    public Integer call() {
        String device = deviceOpt.getValue();
        List<XdpStatus> devices = device != null ? List.of(XdpAttach.query(device)) : XdpAttach.queryAll();
        List<Map<String, Object>> xdp = new ArrayList<>();
        List<Map<String, Object>> tc = new ArrayList<>();
        for (XdpStatus s : devices) {
            for (XdpMode m : s.modes()) {
                Map<String, Object> e = dev(s);
                e.put("mode", switch (m) {
                    case SKB -> "generic";
                    case NATIVE -> "driver";
                    case HW -> "offload";
                });
                e.put("id", s.progId(m));
                xdp.add(e);
            }
            for (TcDirection d : TcDirection.values()) {
                List<TcxLink.Attached> tcx;
                try {
                    tcx = TcxLink.query(s.ifname(), d);
                } catch (BpfException ex) {
                    continue; // the device went away since the listing, or the kernel has no TCX
                }
                for (TcxLink.Attached p : tcx) {
                    Map<String, Object> e = dev(s);
                    e.put("kind", "tcx/" + d);
                    e.put("name", programName(p.progId()));
                    e.put("prog_id", p.progId());
                    if (p.linkId() != 0) {
                        e.put("link_id", p.linkId());
                    }
                    tc.add(e);
                }
            }
            for (TcDirection d : TcDirection.values()) {
                List<ClsBpfFilter.Info> filters;
                try {
                    filters = ClsBpfFilter.list(s.ifname(), d);
                } catch (BpfException ex) {
                    continue; // the device went away since the listing
                }
                for (ClsBpfFilter.Info f : filters) {
                    Map<String, Object> e = dev(s);
                    e.put("kind", "clsact/" + d);
                    e.put("name", f.name());
                    e.put("id", f.progId());
                    tc.add(e);
                }
            }
        }
        List<Map<String, Object>> dissector = new ArrayList<>();
        for (int id : NetnsLink.attached(OWN_NETNS, AttachType.FLOW_DISSECTOR)) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", id);
            dissector.add(e);
        }
        PrintWriter out = out();
        if (isSet(json)) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("xdp", xdp);
            all.put("tc", tc);
            all.put("flow_dissector", dissector);
            out.println(Json.write(List.of(all)));
            return 0;
        }
        out.println("xdp:");
        xdp.forEach(e -> out.println(e.get("devname") + "(" + e.get("ifindex") + ") " + e.get("mode") + " id " + e.get("id")));
        out.println();
        out.println("tc:");
        tc.forEach(e -> out.println(e.get("devname") + "(" + e.get("ifindex") + ") " + e.get("kind") + " " + e.get("name")
                + (e.containsKey("prog_id") ? " prog_id " + e.get("prog_id") : " id " + e.get("id"))
                + (e.containsKey("link_id") ? " link_id " + e.get("link_id") : "")));
        out.println();
        out.println("flow_dissector:");
        dissector.forEach(e -> out.println("id " + e.get("id")));
        return 0;
    }

    private static Map<String, Object> dev(XdpStatus s) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("devname", s.ifname());
        e.put("ifindex", s.ifindex());
        return e;
    }

    /** The program's name (bpftool's full name), or "" once it is gone. */
    static String programName(int id) {
        try (BpfProgram p = BpfProgram.fromId(id)) {
            return ProgCommand.fullName(p.fd(), p.info());
        } catch (BpfException e) {
            return "";
        }
    }
}
