package io.jbpf.cli;

import io.jbpf.link.XdpAttach;
import io.jbpf.link.XdpMode;
import io.jbpf.link.XdpStatus;
import picocli.CommandLine.Model.OptionSpec;

/** {@code jbpf unload --dev DEV}: detach the XDP program from a device. */
final class UnloadCommand extends CliCommand {
    private final OptionSpec deviceOpt = required("DEV", String.class, "device", "--dev", "-d");
    private final OptionSpec modeOpt = option("MODE", String.class, "only this mode (skb, native, hw); default: any",
            "--mode", "-m");

    UnloadCommand() {
        super("unload", "Detach the XDP program from a device.");
    }

    @Override
    public Integer call() {
        String device = deviceOpt.getValue();
        String mode = modeOpt.getValue();
        XdpMode m = mode == null ? null : XdpMode.parse(mode);
        XdpStatus before = XdpAttach.detach(device, m);
        for (XdpMode detached : m != null ? java.util.List.of(m) : before.modes()) {
            out().println("Detached prog id " + before.progId(detached) + " from " + device + " (" + detached + " mode)");
        }
        return 0;
    }
}
