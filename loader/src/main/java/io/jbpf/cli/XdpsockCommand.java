package io.jbpf.cli;

import io.jbpf.link.XdpMode;
import io.jbpf.xsk.BindFlag;
import io.jbpf.xsk.CompletionRing;
import io.jbpf.xsk.FillRing;
import io.jbpf.xsk.RxRing;
import io.jbpf.xsk.TxRing;
import io.jbpf.xsk.FrameSize;
import io.jbpf.xsk.PacketHandler;
import io.jbpf.xsk.Umem;
import io.jbpf.xsk.XskOptions;
import io.jbpf.xsk.XskRedirect;
import io.jbpf.xsk.XskSocket;
import io.jbpf.xsk.XskStatistics;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code jbpf xdpsock --dev DEV [--queue Q] (--rxdrop | --echo) [--copy | --zero-copy] [--interval 1s]}:
 * an AF_XDP socket on one queue of a device, as the kernel's xdpsock sample runs it: jbpf's
 * redirect program on the device sends the queue's packets to the socket, which drops them
 * (returns their frames to the fill ring) or, with --echo, answers ICMP and ICMPv6 echo requests
 * through its TX ring, and prints rx and tx packets/s every interval. Stops after
 * --duration or on Ctrl-C / SIGTERM, and then detaches the program and frees the socket and its
 * memory.
 */
final class XdpsockCommand extends CliCommand {
    private static final long MS = 1_000_000L;
    private static final int FRAMES = 4096;
    private static final int BATCH = 64;

    private final OptionSpec deviceOpt = required("DEV", String.class, "device to receive from", "--dev", "-i");
    private final OptionSpec queueOpt = checked("Q", Integer.class, new IntRangeConverter(0, 63, "a queue index"), "0",
            "receive queue, 0 to 63 (default: ${DEFAULT-VALUE})", "--queue", "-q");
    private final OptionSpec rxdropOpt = flag("drop every packet received", "--rxdrop", "-r");
    private final OptionSpec echoOpt = flag("answer ICMP and ICMPv6 echo requests from user space (the xdp-tutorial's "
            + "advanced03 assignment); drop every other packet", "--echo", "-e");
    private final OptionSpec copyOpt = flag("copy mode (XDP_COPY): works on every device, veth included", "--copy", "-c");
    private final OptionSpec zeroCopyOpt = flag("zero-copy mode (XDP_ZEROCOPY): drivers with AF_XDP zero-copy only",
            "--zero-copy", "-z");
    private final OptionSpec skbOpt = flag("attach the redirect program in generic (skb) mode instead of native",
            "--skb", "-S");
    private final OptionSpec intervalOpt = checked("TIME", Long.class, DurationConverter.interval(), "1s",
            "print the rates every TIME: " + DurationConverter.FORMS + " (default: ${DEFAULT-VALUE})", "--interval");
    private final OptionSpec durationOpt = checked("TIME", Long.class, new DurationConverter(10 * MS, 24 * 3600 * 1000 * MS),
            null, "stop after TIME: " + DurationConverter.FORMS, "--duration");

    private volatile boolean stop;

    XdpsockCommand() {
        super("xdpsock", "Receive a device queue's packets on an AF_XDP socket and print packets/s, like the kernel's "
                + "xdpsock sample.");
        spec.usageMessage().footer("", "jbpf's redirect program (an XSKMAP and bpf_redirect_map by rx queue) is attached "
                + "to the device while it runs; every packet of the queue goes to the socket, so the device's own "
                + "traffic on that queue (ARP included) no longer reaches the network stack.");
    }

    @Override
    public Integer call() throws InterruptedException {
        if (isSet(rxdropOpt) == isSet(echoOpt)) {
            throw usageError("xdpsock needs one of --rxdrop and --echo");
        }
        boolean echo = isSet(echoOpt);
        if (isSet(copyOpt) && isSet(zeroCopyOpt)) {
            throw usageError("--copy and --zero-copy exclude each other");
        }
        String device = deviceOpt.getValue();
        int queue = queueOpt.<Integer>getValue();
        long intervalNs = intervalOpt.<Long>getValue();
        Long duration = durationOpt.getValue();
        EnumSet<BindFlag> flags = EnumSet.of(BindFlag.USE_NEED_WAKEUP);
        if (isSet(copyOpt)) {
            flags.add(BindFlag.COPY);
        } else if (isSet(zeroCopyOpt)) {
            flags.add(BindFlag.ZERO_COPY);
        }
        XdpMode mode = isSet(skbOpt) ? XdpMode.SKB : XdpMode.NATIVE;
        PrintWriter out = out();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop = true;
            try {
                done.await(5, TimeUnit.SECONDS); // the loop detaches and frees, then counts down
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "jbpf-xdpsock-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Drop drop = new Drop();
        try (Umem umem = Umem.allocate(FRAMES, FrameSize.SIZE_4096, 0);
             XskRedirect redirect = XskRedirect.attach(device, mode);
             XskSocket socket = XskSocket.open(umem, device, queue, XskOptions.defaults().withBindFlags(flags)
                     .withXskMap(redirect.map()))) {
            socket.refill();
            out.printf(" sock0@%s:%d %s xdp-%s %s%n", device, queue, echo ? "echo" : "rxdrop", mode == XdpMode.SKB ? "skb" : "drv",
                    flags.contains(BindFlag.ZERO_COPY) ? "zero-copy" : flags.contains(BindFlag.COPY) ? "copy" : "");
            out.flush();
            long start = System.nanoTime();
            long deadline = duration == null ? Long.MAX_VALUE : start + duration;
            long nextPrint = start + intervalNs;
            long lastPrint = start;
            long lastPackets = 0;
            long lastReplies = 0;
            Echo echoer = echo ? new Echo(socket) : null;
            while (!stop && System.nanoTime() < deadline) {
                int got = echo ? echoer.run() : socket.receive(BATCH, drop);
                if (got == 0) {
                    socket.poll((int) Math.max(1, Math.min(100, (Math.min(nextPrint, deadline) - System.nanoTime()) / MS)));
                }
                long now = System.nanoTime();
                if (now >= nextPrint) {
                    long packets = echo ? echoer.packets : drop.packets;
                    long replies = echo ? echoer.replies : 0;
                    print(out, now - lastPrint, packets - lastPackets, packets, replies - lastReplies, replies);
                    lastPrint = now;
                    lastPackets = packets;
                    lastReplies = replies;
                    nextPrint = now + intervalNs;
                }
            }
            long now = System.nanoTime();
            long packets = echo ? echoer.packets : drop.packets;
            long replies = echo ? echoer.replies : 0;
            if (now - lastPrint >= intervalNs / 10) {
                print(out, now - lastPrint, packets - lastPackets, packets, replies - lastReplies, replies);
            }
            if (echo) {
                drop.packets = echoer.packets;
                drop.bytes = echoer.bytes;
            }
            XskStatistics st = socket.statistics();
            out.printf("%n %d packets received, %d bytes; dropped by the kernel: %d (rx ring full %d, fill ring empty %d, "
                    + "invalid %d)%s%n", drop.packets, drop.bytes, st.rxDropped() + st.rxRingFull() + st.rxInvalidDescs(),
                    st.rxRingFull(), st.rxFillRingEmptyDescs(), st.rxInvalidDescs(),
                    echo ? "; " + replies + " echo replies sent" : "");
        } finally {
            done.countDown();
            if (!stop) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, long elapsedNs, long packets, long total, long sent, long sentTotal) {
        double seconds = elapsedNs / 1e9;
        out.printf(Locale.ROOT, "%n%-18s %-14s %-14s %-14.2f%n", "", "pps", "pkts", seconds);
        out.printf(Locale.ROOT, "%-18s %-14d %-14d%n", "rx", Math.round(packets / seconds), total);
        out.printf(Locale.ROOT, "%-18s %-14d %-14d%n", "tx", Math.round(sent / seconds), sentTotal);
        out.flush();
    }

    /** Counts and drops: the frame goes straight back to the fill ring. */
    private static final class Drop implements PacketHandler {
        long packets;
        long bytes;

        @Override
        public void onPacket(ByteBuffer umem, int offset, int length) {
            packets++;
            bytes += length;
        }
    }

    /**
     * The echo loop: each echo request is rewritten in its frame into the reply and put on the
     * TX ring; other frames, and frames the completion ring gives back, return to the fill ring.
     */
    private static final class Echo {
        private final XskSocket socket;
        private final Umem umem;
        private final long[] recycle = new long[BATCH];
        long packets;
        long bytes;
        long replies;

        Echo(XskSocket socket) {
            this.socket = socket;
            this.umem = socket.umem();
        }

        /** One batch; returns the packets received. */
        int run() {
            RxRing rx = socket.rx();
            TxRing tx = socket.tx();
            CompletionRing cr = socket.completion();
            int done = cr.peek(BATCH);
            for (int i = 0; i < done; i++) {
                recycle[i] = cr.address(i);
            }
            cr.release(done);
            recycle(done);
            int n = rx.peek(BATCH);
            if (n == 0) {
                socket.wakeupFill();
                if (umem.freeFrames() > 0) {
                    socket.refill();
                }
                return 0;
            }
            int t = tx.reserve(n);
            int sent = 0;
            int back = 0;
            ByteBuffer b = umem.buffer();
            for (int i = 0; i < n; i++) {
                long addr = rx.address(i);
                int len = rx.length(i);
                packets++;
                bytes += len;
                if (sent < t && IcmpEcho.reply(b, (int) addr, len)) {
                    tx.descriptor(sent++, addr, len);
                } else {
                    recycle[back++] = addr;
                }
            }
            rx.release(n);
            tx.cancel(t - sent);
            if (sent > 0) {
                tx.submit(sent);
                replies += sent;
                socket.wakeupTx();
            }
            recycle(back);
            return n;
        }

        /** Puts the first {@code count} frames of {@code recycle} on the fill ring, the rest on the UMEM's free stack. */
        private void recycle(int count) {
            FillRing fill = socket.fill();
            int k = fill.reserve(count);
            for (int i = 0; i < k; i++) {
                fill.address(i, umem.frameOf(recycle[i]));
            }
            if (k > 0) {
                fill.submit(k);
            }
            for (int i = k; i < count; i++) {
                umem.freeFrame(recycle[i]);
            }
        }
    }
}
