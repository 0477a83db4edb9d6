package io.jbpf.cli;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.link.IfAttached;
import io.jbpf.link.TcDirection;
import io.jbpf.link.XdpMode;
import java.nio.file.Path;
import java.util.List;
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
            "pin the link here in bpffs (needed for every attachment but netlink XDP, which stays by itself)", "--pin");

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
                Attachments.TcMode.parse(tcModeOpt.getValue()));
        try (BpfProgram prog = ref.program()) {
            Attachments.Attached a = Attachments.attach(prog, target);
            try {
                if (!a.outlivesProcess()) {
                    if (pin == null) {
                        throw new BpfException("program " + prog.name() + " (id " + prog.id() + ") attaches to " + a.where()
                                + " through a bpf_link, which ends when jbpf exits: give --pin PATH to keep it");
                    }
                    a.link().pin(pin);
                } else if (pin != null) {
                    throw usageError("--pin: an XDP program attached over netlink has no link to pin (it stays attached "
                            + "by itself); use --xdp-via link for a pinned link");
                }
            } catch (RuntimeException e) {
                a.link().close(); // not pinned: this detaches it again
                throw e;
            }
            int linkId = a.link().info().id();
            out().println("Attached program " + prog.id() + " (" + prog.name() + ") to " + a.where()
                    + (linkId != 0 ? ", link " + linkId + " pinned at " + pin : ""));
            if (!a.outlivesProcess()) {
                a.link().close(); // pinned: the attachment stays
            }
        }
        return 0;
    }
}
