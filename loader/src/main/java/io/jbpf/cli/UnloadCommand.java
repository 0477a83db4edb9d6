package io.jbpf.cli;

import io.jbpf.link.XdpAttach;
import io.jbpf.link.XdpMode;
import io.jbpf.link.XdpStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jbpf unload --dev DEV}: detach the XDP program from a device. */
@Command(name = "unload", mixinStandardHelpOptions = true, description = "Detach the XDP program from a device.")
final class UnloadCommand implements Callable<Integer> {
    @Option(names = {"--dev", "-d"}, required = true, paramLabel = "DEV", description = "device")
    String device;

    @Option(names = {"--mode", "-m"}, paramLabel = "MODE", description = "only this mode (skb, native, hw); default: any")
    String mode;

    @Spec
    picocli.CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        XdpMode m = mode == null ? null : XdpMode.parse(mode);
        XdpStatus before = XdpAttach.detach(device, m);
        for (XdpMode detached : m != null ? java.util.List.of(m) : before.modes()) {
            cmd.commandLine().getOut().printf("Detached prog id %d from %s (%s mode)%n", before.progId(detached), device, detached);
        }
        return 0;
    }
}
