package io.jbpf.cli;

import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.link.BpfLink;
import io.jbpf.link.XdpAttach;
import io.jbpf.link.XdpMode;
import io.jbpf.link.XdpStatus;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code jbpf detach PROG [--dev DEV]}: detaches a loaded program from wherever it is attached:
 * every bpf_link that runs it (BPF_LINK_DETACH; their pins stay as defunct links until removed),
 * and with {@code --dev} its netlink XDP attachment on that device.
 */
final class DetachCommand extends CliCommand {
    private final PositionalParamSpec words = words(0, "2", "PROG", "the program: " + ObjectRef.Of.PROGRAM.syntax());
    private final OptionSpec deviceOpt = option("DEV", String.class,
            "also detach it from this device's XDP hook, where it was attached over netlink", "--dev", "-d");

    DetachCommand() {
        super("detach", "Detach a loaded program from its hooks: every link that runs it, and XDP on --dev.");
    }

    @Override
    public Integer call() {
        List<String> w = Words.of(words);
        ObjectRef ref = Words.ref(this, w, 0, ObjectRef.Of.PROGRAM);
        String device = deviceOpt.getValue();
        List<String> done = new ArrayList<>();
        try (BpfProgram prog = ref.program()) {
            for (int id : BpfLink.ids()) {
                try (BpfLink l = BpfLink.fromId(id)) {
                    KernelInfo.Link info = l.info();
                    if (info.progId() == prog.id()) {
                        l.detach();
                        done.add(Names.of(info.type()) + " link " + id);
                    }
                } catch (BpfException e) {
                    if (e.getMessage().contains("cannot be detached")) {
                        throw e;
                    }
                    // gone since it was listed
                }
            }
            if (device != null) {
                XdpStatus s = XdpAttach.query(device);
                for (XdpMode m : s.modes()) {
                    if (s.progId(m) == prog.id() && !done.stream().anyMatch(d -> d.startsWith("xdp link"))) {
                        XdpAttach.detach(device, m);
                        done.add("XDP on " + device + " (" + m + " mode)");
                    }
                }
            }
            if (done.isEmpty()) {
                throw new BpfException("program " + prog.id() + " (" + prog.name() + ") is attached through no link"
                        + (device != null ? " and not to XDP on " + device : "; give --dev DEV for an XDP program attached "
                        + "over netlink"));
            }
            out().println("Detached program " + prog.id() + " (" + prog.name() + ") from " + String.join(", ", done));
        }
        return 0;
    }
}
