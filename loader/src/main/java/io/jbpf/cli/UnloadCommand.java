package io.jbpf.cli;

import io.jbpf.link.ClsBpfFilter;
import io.jbpf.link.LwtRoute;
import io.jbpf.link.TcDirection;
import io.jbpf.link.TcxLink;
import io.jbpf.link.XdpAttach;
import io.jbpf.link.XdpMode;
import io.jbpf.link.XdpStatus;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code jbpf unload --dev DEV}: detach the XDP program from a device; with {@code --tc ingress}
 * or {@code --tc egress}, the tc programs of that direction instead (TCX links and the bpf
 * filters of the clsact qdisc).
 */
final class UnloadCommand extends CliCommand {
    private final OptionSpec deviceOpt = required("DEV", String.class, "device", "--dev", "-d");
    private final OptionSpec modeOpt = option("MODE", String.class, "only this XDP mode (skb, native, hw); default: any",
            "--mode", "-m");
    private final OptionSpec tcOpt = option("DIR", String.class,
            "detach the tc programs of this direction (ingress or egress) instead of XDP: TCX links and clsact bpf filters",
            "--tc");
    private final OptionSpec routeOpt = option("PREFIX", String.class,
            "delete the route to PREFIX via --dev DEV instead (the route jbpf load --attach added for an LWT program)",
            "--route");

    UnloadCommand() {
        super("unload", "Detach the XDP program, or with --tc the tc programs, from a device; with --route, delete an "
                + "LWT program's route.");
    }

    @Override
    public Integer call() {
        String device = deviceOpt.getValue();
        if (routeOpt.getValue() != null) {
            if (tcOpt.getValue() != null) {
                throw usageError("--route and --tc exclude each other");
            }
            LwtRoute.Route route = HookOptions.route(routeOpt.getValue(), device);
            LwtRoute.delete(route);
            out().println("Deleted route " + route);
            return 0;
        }
        if (tcOpt.getValue() != null) {
            return unloadTc(device, TcDirection.parse(tcOpt.getValue()));
        }
        String mode = modeOpt.getValue();
        detachXdp(out(), device, mode == null ? null : XdpMode.parse(mode));
        return 0;
    }

    /** Detaches the XDP program of {@code mode} (null: any) from {@code device}, saying what it detached. */
    static void detachXdp(PrintWriter out, String device, XdpMode mode) {
        XdpStatus before = XdpAttach.detach(device, mode);
        for (XdpMode detached : mode != null ? List.of(mode) : before.modes()) {
            out.println("Detached prog id " + before.progId(detached) + " from " + device + " (" + detached + " mode)");
        }
    }

    private int unloadTc(String device, TcDirection direction) {
        int n = 0;
        for (TcxLink.Attached a : TcxLink.query(device, direction)) {
            if (a.linkId() == 0) {
                continue; // attached without a link (BPF_PROG_ATTACH): no link to detach
            }
            try (TcxLink link = TcxLink.fromId(a.linkId())) {
                link.detach();
            }
            out().println("Detached prog id " + a.progId() + " (tcx link " + a.linkId() + ") from " + device + " " + direction);
            n++;
        }
        for (ClsBpfFilter.Info f : ClsBpfFilter.list(device, direction)) {
            ClsBpfFilter.detach(device, direction, f.priority(), f.handle());
            out().println("Deleted bpf filter pref " + f.priority() + " handle 0x" + Integer.toHexString(f.handle()) + " ("
                    + f.name() + ", prog id " + f.progId() + ") from " + device + " " + direction);
            n++;
        }
        if (n == 0) {
            out().println("No tc program on " + device + " " + direction);
        }
        return 0;
    }
}
