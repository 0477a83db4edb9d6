package io.jbpf.cli;

import io.jbpf.common.BpfException;
import io.jbpf.pcap.PacketSummary;
import io.jbpf.pcap.PcapNgWriter;
import io.jbpf.pcap.XdpDump;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code jbpf dump --dev DEV [-w FILE]}: the packets the XDP program on a device sees, as
 * xdp-tools' xdpdump shows them: one line per packet, or a pcapng file that tcpdump and Wireshark
 * read (each packet's comment says "entry" or "exit XDP_TX" ...). Where the kernel has BPF
 * trampolines it captures at the program's entry and exit (fentry/fexit, the device untouched);
 * elsewhere at entry only, by a program of its own that takes the XDP program's place and
 * tail-calls it, and that it swaps back when it stops (after --count packets, after --duration, or
 * on Ctrl-C / SIGTERM).
 */
final class DumpCommand extends CliCommand {
    private static final long MS = 1_000_000L;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS")
            .withZone(ZoneId.systemDefault());

    private final OptionSpec deviceOpt = required("DEV", String.class, "device whose XDP program's packets to capture",
            "--dev", "-i");
    private final OptionSpec writeOpt = option("FILE", String.class,
            "write the packets to FILE as pcapng (- for standard output) instead of printing a line per packet",
            "--write", "-w");
    private final OptionSpec snaplenOpt = checked("N", Integer.class,
            new IntRangeConverter(1, XdpDump.MAX_SNAPLEN, "a snapshot length"), String.valueOf(XdpDump.MAX_SNAPLEN),
            "bytes captured of each packet, 1 to " + XdpDump.MAX_SNAPLEN + " (default: ${DEFAULT-VALUE})",
            "--snaplen", "-s");
    private final OptionSpec countOpt = checked("N", Integer.class,
            new IntRangeConverter(1, Integer.MAX_VALUE, "a number of packets"), null,
            "stop after N packets (in entry-exit mode a packet is done at its exit)", "--count", "-c");
    private final OptionSpec durationOpt = checked("TIME", Long.class, new DurationConverter(10 * MS, 24 * 3600 * 1000 * MS),
            null, "stop after TIME: " + DurationConverter.FORMS, "--duration");
    private final OptionSpec modeOpt = option("MODE", String.class,
            "entry or entry-exit (default: entry-exit where the kernel allows BPF trampolines, else entry)", "--mode");

    /** Set by the shutdown hook (Ctrl-C, SIGTERM): the capture loop stops and restores the device. */
    private volatile boolean stop;

    DumpCommand() {
        super("dump", "Capture the packets the XDP program on a device sees, like xdpdump: lines or a pcapng file.");
        spec.usageMessage().footer("", "entry-exit mode traces the program with fentry/fexit and leaves the device alone; "
                + "entry mode (where the kernel refuses BPF trampolines) swaps in a capture program that tail-calls the "
                + "device's program, in one step each way. Stops after --count packets, after --duration, or on Ctrl-C.");
    }

    @Override
    public Integer call() throws InterruptedException {
        String device = deviceOpt.getValue();
        String file = writeOpt.getValue();
        int snaplen = snaplenOpt.<Integer>getValue();
        Integer count = countOpt.getValue();
        Long duration = durationOpt.getValue();
        XdpDump.Mode mode = mode(modeOpt.getValue());
        PrintWriter err = err();
        // with the pcap on standard output, what is said to the user goes to standard error, as tcpdump -w - does
        boolean toStdout = "-".equals(file);
        PrintWriter say = file != null ? err : out();
        Path created = null;
        PcapNgWriter pcap = null;
        if (file != null) {
            OutputStream os;
            if (toStdout) {
                os = new FileOutputStream(FileDescriptor.out);
            } else {
                Path path = Path.of(file);
                boolean existed = Files.exists(path);
                try {
                    os = Files.newOutputStream(path);
                } catch (IOException e) {
                    throw new BpfException("cannot write " + file + ": " + reason(e) + "; nothing was captured and the "
                            + "device was not touched");
                }
                created = existed ? null : path;
            }
            try {
                pcap = new PcapNgWriter(new BufferedOutputStream(os, 1 << 16), "jbpf dump");
                pcap.addInterface(device, snaplen);
            } catch (IOException e) {
                throw new BpfException("cannot write " + file + ": " + reason(e));
            }
        }
        Capture capture = new Capture(device, mode, pcap, toStdout ? null : out(), count, file != null);
        XdpDump dump;
        try {
            dump = XdpDump.start(device, mode, snaplen, capture);
        } catch (RuntimeException e) {
            closeQuietly(pcap);
            if (created != null) {
                try {
                    Files.deleteIfExists(created);
                } catch (IOException ignored) {
                    // the error below matters more than an empty file left behind
                }
            }
            throw e;
        }
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop = true;
            try {
                done.await(5, TimeUnit.SECONDS); // the loop puts the device's program back, then counts down
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "jbpf-dump-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (mode == XdpDump.Mode.ENTRY && modeOpt.getValue() == null) {
                err.println("jbpf dump: " + XdpDump.entryOnlyReason());
            }
            say.println("listening on " + device + ", XDP program " + dump.program().name() + " (id " + dump.program().id()
                    + ", " + dump.xdpMode() + " mode), capture mode " + mode.label() + ", capture size " + snaplen
                    + " bytes");
            say.flush();
            long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration;
            while (!stop && !capture.full() && System.nanoTime() < deadline) {
                long left = (deadline - System.nanoTime()) / MS;
                dump.poll((int) Math.max(1, Math.min(100, left)));
                if (capture.failure != null) {
                    throw new BpfException("cannot write " + file + ": " + reason(capture.failure));
                }
            }
        } finally {
            try {
                dump.close();
            } finally {
                closeQuietly(pcap);
                done.countDown();
                if (!stop) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
            }
        }
        say.println(capture.packets + " packets captured" + (dump.lost() > 0 ? ", " + dump.lost()
                + " lost (the perf buffer was full)" : ""));
        say.flush();
        return 0;
    }

    private static XdpDump.Mode mode(String value) {
        if (value == null) {
            return XdpDump.defaultMode();
        }
        for (XdpDump.Mode m : XdpDump.Mode.values()) {
            if (m.label().equals(value)) {
                if (m == XdpDump.Mode.ENTRY_EXIT && XdpDump.defaultMode() != XdpDump.Mode.ENTRY_EXIT) {
                    throw new BpfException("--mode entry-exit: " + XdpDump.entryOnlyReason().replace(", so packets are "
                            + "captured at entry only, by a program that takes the XDP program's place and tail-calls it", "")
                            + "; use --mode entry");
                }
                return m;
            }
        }
        throw new IllegalArgumentException("--mode " + value + ": use entry or entry-exit");
    }

    private static String reason(IOException e) {
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
                : e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static void closeQuietly(PcapNgWriter w) {
        if (w != null) {
            try {
                w.close();
            } catch (IOException ignored) {
                // the capture's own outcome is what the user needs to hear
            }
        }
    }

    /** Writes or prints each packet; counts finished packets. */
    private static final class Capture implements XdpDump.PacketHandler {
        private final String device;
        private final PcapNgWriter pcap;
        private final PrintWriter lines;
        private final Integer count;
        private final boolean quiet;
        private final XdpDump.Mode mode;
        long packets;
        IOException failure;

        Capture(String device, XdpDump.Mode mode, PcapNgWriter pcap, PrintWriter lines, Integer count, boolean quiet) {
            this.device = device;
            this.mode = mode;
            this.pcap = pcap;
            this.lines = lines;
            this.count = count;
            this.quiet = quiet;
        }

        boolean full() {
            return count != null && packets >= count;
        }

        @Override
        public void onPacket(XdpDump.Packet p) {
            if (full() || failure != null) {
                return; // records after the last one asked for (another CPU's, or the exit of none counted)
            }
            if (pcap != null) {
                try {
                    pcap.writePacket(0, p.epochNanos(), p.buffer(), p.offset(), p.capturedLength(), p.length(), p.comment());
                } catch (IOException e) {
                    failure = e;
                    return;
                } catch (UncheckedIOException e) {
                    failure = e.getCause();
                    return;
                }
            }
            if (!quiet) {
                Instant t = Instant.ofEpochSecond(0, p.epochNanos());
                lines.println(TIME.format(t) + " " + device + " " + String.format("%-12s", p.comment()) + " len "
                        + p.length() + ": " + PacketSummary.of(p.buffer(), p.offset(), p.capturedLength()));
                lines.flush();
            }
            // entry-exit mode: a packet is done when its exit record arrives
            if (mode == XdpDump.Mode.ENTRY || p.point() == XdpDump.Point.EXIT) {
                packets++;
            }
        }
    }
}
