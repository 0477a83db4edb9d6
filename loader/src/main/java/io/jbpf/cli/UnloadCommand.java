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
import java.util.Optional;
import java.util.stream.Collectors;
import io.jbpf.xdp.XdpMultiprog;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code jbpf unload --dev DEV}: detach the XDP program from a device (a libxdp dispatcher with its
 * programs and pins; {@code --id PROG_ID} removes one program of it); with {@code --tc ingress}
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
    private final OptionSpec idOpt = checked("PROG_ID", Integer.class, new IntRangeConverter(1, Integer.MAX_VALUE, "a program id"),
            null, "remove only this program from the device's XDP dispatcher (the others keep running), as xdp-loader "
            + "unload --id", "--id", "-i");
    private final OptionSpec allOpt = flag("remove every XDP program from the device: the dispatcher, its programs and "
            + "its pins under /sys/fs/bpf/xdp, as xdp-loader unload --all (what plain unload does too)", "--all", "-a");
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
        if (idOpt.getValue() != null || isSet(allOpt)) {
            if (idOpt.getValue() != null && isSet(allOpt) || modeOpt.getValue() != null) {
                throw usageError("give one of --id PROG_ID and --all, without --mode");
            }
            return idOpt.getValue() != null ? removeOne(device, idOpt.getValue()) : removeAll(out(), device, true);
        }
        String mode = modeOpt.getValue();
        detachXdp(out(), device, mode == null ? null : XdpMode.parse(mode));
        return 0;
    }

    private int removeOne(String device, int progId) {
        Optional<XdpMultiprog> left = XdpMultiprog.remove(device, progId);
        out().println("Removed prog id " + progId + " from " + device + left.map(mp -> "; dispatcher id "
                + mp.dispatcherId() + " runs " + mp.components().stream().map(c -> c.name() + " (id " + c.progId() + ")")
                .collect(Collectors.joining(", "))).orElse("; no XDP program is left on it"));
        return 0;
    }

    /** Removes a dispatcher and its programs; false {@code mustExist}: 1 without saying anything when there is none. */
    private static int removeAll(PrintWriter out, String device, boolean mustExist) {
        List<XdpMultiprog.Component> was = XdpMultiprog.removeAll(device);
        if (was.isEmpty() && mustExist) {
            throw new io.jbpf.common.BpfException("device '" + device + "' has no XDP program attached",
                    io.jbpf.uapi.Errno.ENOENT);
        }
        for (XdpMultiprog.Component c : was) {
            out.println("Detached prog id " + c.progId() + " (" + c.name() + ") from " + device);
        }
        return 0;
    }

    /** Detaches the XDP program of {@code mode} (null: any) from {@code device}, saying what it detached. */
    static void detachXdp(PrintWriter out, String device, XdpMode mode) {
        if (mode == null && XdpMultiprog.query(device).isPresent()) {
            removeAll(out, device, true); // a dispatcher goes with its pins, as xdp-loader unload --all
            return;
        }
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
