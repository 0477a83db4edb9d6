package io.jbpf.cli;

import io.jbpf.BpfCompiler;
import io.jbpf.BpfObject;
import io.jbpf.LoadOptions;
import io.jbpf.link.IfAttached;
import io.jbpf.link.XdpMode;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.ProgramSpec;
import io.jbpf.trace.TracePipe;
import io.jbpf.uapi.ProgType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code jbpf run FILE.bpf.c}: the bcc habit. Compiles the source with clang ({@link BpfCompiler},
 * cached), loads it, attaches every entry program by its section (the hooks of {@code load --attach},
 * held by this process rather than pinned), and prints the programs' bpf_printk lines and the
 * records of their ring buffers and perf buffers, decoded through the object's BTF
 * ({@link EventOutput}), until Ctrl-C, {@code --duration} or {@code --count} lines and records;
 * everything is detached when it ends. A compile error is shown with its
 * file and line, and nothing is loaded.
 */
final class RunCommand extends CliCommand {
    private final PositionalParamSpec sourceArg = positional(0, "1", "FILE", Path.class,
            "BPF C source (compiled with clang -O2 -g -target bpf), or an object file clang already made");
    private final OptionSpec durationOpt = checked("TIME", Long.class, new DurationConverter(10 * 1_000_000L,
            365 * 24 * 3600 * 1_000_000_000L), null, "stop after this long: " + DurationConverter.FORMS, "--duration");
    private final OptionSpec countOpt = checked("N", Integer.class, new IntRangeConverter(1, Integer.MAX_VALUE,
            "a count of lines and records"), null, "stop after N bpf_printk lines and buffer records", "--count");
    private final OptionSpec jsonOpt = flag("print each line and record as a JSON object", "--json", "-j");
    private final OptionSpec eventTypeOpt = option("NAME", String.class, "decode ring and perf buffer records as this "
            + "struct of the object's BTF (default: the one struct of the record's size, else hex)", "--event-type");
    private final OptionSpec deviceOpt = option("DEV", String.class, "the device for XDP and tc programs", "--dev", "-d");
    private final OptionSpec cgroupOpt = option("PATH", Path.class, "the cgroup for cgroup programs", "--cgroup");
    private final OptionSpec cflagsOpt = option("FLAG", String[].class, "an extra clang flag (-I DIR, -DNAME), repeatable",
            "--cflag");

    RunCommand() {
        super("run", "Compile a BPF C source, load it, attach its programs and print what they print, until Ctrl-C.");
    }

    @Override
    public Integer call() throws InterruptedException {
        Path source = sourceArg.getValue();
        Long duration = durationOpt.getValue();
        Integer count = countOpt.getValue();
        String[] cflags = cflagsOpt.getValue();
        Path object = source.toString().endsWith(".o") ? source
                : BpfCompiler.defaults().withFlags(cflags == null ? new String[0] : cflags).compile(source);
        BpfObjectSpec spec = BpfObjectSpec.read(object);
        List<ProgramSpec> entries = Attachments.entries(spec, spec.programs(), source.toString());
        entries.forEach(p -> Attachments.requireHook(p.name(), p.section(), p.type()));
        EventTypes types = EventTypes.of(spec.btf().orElse(null), eventTypeOpt.getValue(), source.toString());
        Attachments.Target target = new Attachments.Target(deviceOpt.getValue(), XdpMode.NATIVE, IfAttached.FAIL,
                Attachments.XdpVia.NETLINK, null, cgroupOpt.getValue(), null, Attachments.TcMode.TCX, HookOptions.Values.NONE);
        PrintWriter out = out();
        boolean json = isSet(jsonOpt);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        // Ctrl-C: the JVM runs shutdown hooks while this thread goes on; the hook waits for the
        // loop below to detach everything.
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "jbpf-run-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        List<Attachments.Attached> attached = new ArrayList<>();
        EventOutput output = new EventOutput(out, err(), json, count, types);
        try (TracePipe pipe = TracePipe.open(output::line);
             BpfObject obj = BpfObject.load(spec, LoadOptions.defaults().withDefaultType(ProgType.XDP));
             EventReaders readers = EventReaders.open(pipe, obj.maps(), output)) {
            obj.warnings().forEach(w -> err().println("jbpf: warning: " + w));
            try {
                for (ProgramSpec p : entries) {
                    attached.addAll(Attachments.attach(obj.program(p.name()), target, obj::maps));
                }
                for (Attachments.Attached a : attached) {
                    err().println("jbpf: " + a.program().name() + " attached to " + a.where());
                }
                err().println("jbpf: printing bpf_printk lines" + (readers.buffers().isEmpty() ? ""
                        : " and the records of " + String.join(", ", readers.buffers()))
                        + (duration == null ? " until Ctrl-C" : ""));
                long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration;
                readers.run(end, stop::get);
            } finally {
                for (Attachments.Attached a : attached) {
                    a.link().close();
                }
            }
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down (Ctrl-C): the hook has run
            }
        }
        return 0;
    }
}
