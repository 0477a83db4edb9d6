package io.jbpf.pcap;

import io.jbpf.BpfMap;
import io.jbpf.BpfObject;
import io.jbpf.BpfProgram;
import io.jbpf.Features;
import io.jbpf.LoadOptions;
import io.jbpf.common.BpfException;
import io.jbpf.link.TracingLink;
import io.jbpf.link.XdpAttach;
import io.jbpf.link.XdpMode;
import io.jbpf.link.XdpStatus;
import io.jbpf.perf.PerfBuffer;
import io.jbpf.perf.PerfBufferOptions;
import io.jbpf.perf.PerfEventHandler;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.UpdateFlags;
import io.jbpf.uapi.XdpAction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Captures the packets the XDP program attached to a device sees, as xdp-tools' xdpdump does.
 * <ul>
 * <li>{@link Mode#ENTRY_EXIT}: fentry and fexit programs on the attached program's main function
 * send each packet as the program gets it and, at exit, with the action it returned. The device
 * keeps its program; this needs BPF trampolines.</li>
 * <li>{@link Mode#ENTRY}: where the kernel refuses trampolines (lockdown), a program of jbpf's own
 * takes the attached program's place in one step ({@link XdpAttach#replace}: XDP_FLAGS_REPLACE with
 * the old program's fd, or an update of the bpf_link that holds it),
 * sends each packet and tail-calls the old program, which keeps doing what it did. {@link #close}
 * puts the old program back the same way. A process killed with SIGKILL cannot do that: the device
 * is then left with jbpf's program, whose tail call fails once the process's fds are gone, and
 * every packet passes.</li>
 * </ul>
 * {@link #poll} hands each packet to the handler. Not thread-safe, except {@link #close}, which
 * may be called once from any thread after polling stopped.
 */
public final class XdpDump implements AutoCloseable {
    /** Where packets are captured. */
    public enum Mode {
        /** As the XDP program gets them. */
        ENTRY("entry"),
        /** As the XDP program gets them and when it returns, with its action. */
        ENTRY_EXIT("entry-exit");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        /** How the CLI names it. */
        public String label() {
            return label;
        }
    }

    /** Where one packet was captured. */
    public enum Point {
        /** As the program got it. */
        ENTRY,
        /** As the program returned, with its action. */
        EXIT
    }

    /**
     * One captured packet. {@code buffer} holds {@code capturedLength} bytes of it from
     * {@code offset} (absolute gets) during {@link PacketHandler#onPacket} only.
     *
     * @param action     the action the program returned ({@link Point#EXIT}), else null
     * @param epochNanos when the program got it or returned, nanoseconds since 1970
     * @param length     the packet's length
     * @param rxQueue    its receive queue (entry mode; 0 in entry-exit mode)
     */
    public record Packet(Point point, XdpAction action, long epochNanos, int length, int rxQueue, ByteBuffer buffer,
                         int offset, int capturedLength) {
        /** "entry", or "exit XDP_TX" ...: what xdpdump writes as the pcapng packet comment. */
        public String comment() {
            return point == Point.ENTRY ? "entry" : "exit " + (action != null ? action.kernelName() : "unknown");
        }
    }

    /** Receives captured packets. */
    @FunctionalInterface
    public interface PacketHandler {
        /** One packet, valid during the call only (see {@link Packet}). */
        void onPacket(Packet packet);
    }

    /** Largest snaplen: the programs copy at most 0xffff bytes per packet. */
    public static final int MAX_SNAPLEN = 0xffff;
    // struct jdu_meta in bpf-src/dump/jdu_dump.h
    static final int META_KTIME = 0;
    static final int META_PKT_LEN = 8;
    static final int META_CAP_LEN = 12;
    static final int META_POINT = 16;
    static final int META_ACTION = 20;
    static final int META_RX_QUEUE = 24;
    static final int META_SIZE = 32;

    private final String device;
    private final Mode mode;
    private final XdpMode xdpMode;
    private final BpfProgram target;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final long epochOffset;
    private BpfProgram swappedIn;
    private PerfBuffer perf;
    private long seen;
    private boolean closed;

    private XdpDump(String device, Mode mode, XdpMode xdpMode, BpfProgram target) {
        this.device = device;
        this.mode = mode;
        this.xdpMode = xdpMode;
        this.target = target;
        Instant now = Instant.now();
        this.epochOffset = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
    }

    /**
     * {@link Mode#ENTRY_EXIT} where this kernel has BPF trampolines, else {@link Mode#ENTRY}
     * ({@link #entryOnlyReason} says why).
     */
    public static Mode defaultMode() {
        return Features.hook(Features.Hook.BPF_TRAMPOLINES) == Features.Support.YES ? Mode.ENTRY_EXIT : Mode.ENTRY;
    }

    /** Why {@link #defaultMode} is {@link Mode#ENTRY} on this kernel, or null when it is not. */
    public static String entryOnlyReason() {
        if (defaultMode() == Mode.ENTRY_EXIT) {
            return null;
        }
        return "this kernel refuses BPF trampolines (fentry/fexit)" + lockdown()
                + ", so packets are captured at entry only, by a program that takes the XDP program's place and tail-calls it";
    }

    private static String lockdown() {
        try {
            String s = java.nio.file.Files.readString(java.nio.file.Path.of("/sys/kernel/security/lockdown"));
            int a = s.indexOf('[');
            int b = s.indexOf(']');
            if (a >= 0 && b > a && !s.substring(a + 1, b).equals("none")) {
                return ": lockdown is in " + s.substring(a + 1, b) + " mode";
            }
        } catch (IOException | RuntimeException e) {
            // securityfs not mounted: say nothing more
        }
        return "";
    }

    /**
     * Starts capturing on {@code device}: up to {@code snaplen} bytes (1..{@link #MAX_SNAPLEN}) of
     * each packet the XDP program attached to it sees, where {@code mode} says.
     */
    public static XdpDump start(String device, Mode mode, int snaplen, PacketHandler handler) {
        if (snaplen < 1 || snaplen > MAX_SNAPLEN) {
            throw new IllegalArgumentException("snaplen " + snaplen + " is not within 1.." + MAX_SNAPLEN);
        }
        XdpStatus s = XdpAttach.query(device);
        List<XdpMode> modes = s.modes();
        if (modes.isEmpty()) {
            throw new BpfException("device '" + device + "' has no XDP program attached: jbpf dump captures what an "
                    + "attached XDP program sees; attach one first (jbpf load ... --dev " + device + ")", Errno.ENOENT);
        }
        if (modes.size() > 1) {
            throw new BpfException("device '" + device + "' has XDP programs in " + modes.size() + " modes " + modes
                    + ": jbpf dump captures one; detach the others", Errno.EINVAL);
        }
        XdpMode xdpMode = modes.get(0);
        BpfProgram target = BpfProgram.fromId(s.progId(xdpMode));
        XdpDump d = new XdpDump(device, mode, xdpMode, target);
        try {
            if (mode == Mode.ENTRY_EXIT) {
                d.startTracing(snaplen, handler);
            } else {
                d.startEntry(snaplen, handler);
            }
        } catch (RuntimeException e) {
            try {
                d.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return d;
    }

    private void startTracing(int snaplen, PacketHandler handler) {
        BpfObject obj = BpfObject.load(spec("jdu_trace.o"), LoadOptions.defaults().withFreplaceTarget(target));
        resources.add(obj);
        configure(obj, snaplen, handler);
        resources.add(TracingLink.attach(obj.program("jdu_fentry")));
        resources.add(TracingLink.attach(obj.program("jdu_fexit")));
    }

    private void startEntry(int snaplen, PacketHandler handler) {
        BpfObject obj = BpfObject.load(spec("jdu_entry.o"), LoadOptions.defaults());
        resources.add(obj);
        configure(obj, snaplen, handler);
        try {
            obj.map("jdu_next").update(u32(0), u32(target.fd()), UpdateFlags.ANY);
        } catch (BpfException e) {
            throw new BpfException("jbpf dump cannot tail-call program " + target.name() + " (id " + target.id()
                    + ") on " + device + " from its capture program: " + e.getMessage()
                    + " (the kernel tail-calls only programs of the same kind: XDP, no frags)", e.errno());
        }
        BpfProgram entry = obj.program("jdu_entry");
        XdpAttach.replace(device, xdpMode, target, entry);
        swappedIn = entry;
    }

    private void configure(BpfObject obj, int snaplen, PacketHandler handler) {
        obj.map("jdu_config").update(u32(0), u32(snaplen), UpdateFlags.ANY);
        BpfMap events = obj.map("jdu_events");
        perf = PerfBuffer.open(events, PerfBufferOptions.pages(64), new PerfEventHandler() {
            @Override
            public void onSample(int cpu, ByteBuffer b, int offset, int length) {
                if (length < META_SIZE) {
                    return;
                }
                int cap = b.getInt(offset + META_CAP_LEN);
                if (cap > length - META_SIZE) {
                    cap = length - META_SIZE;
                }
                int point = b.getInt(offset + META_POINT);
                int action = b.getInt(offset + META_ACTION);
                XdpAction a = point == 0 || action < 0 || action >= XdpAction.values().length ? null
                        : XdpAction.values()[action];
                seen++;
                handler.onPacket(new Packet(point == 0 ? Point.ENTRY : Point.EXIT, a,
                        b.getLong(offset + META_KTIME) + epochOffset, b.getInt(offset + META_PKT_LEN),
                        b.getInt(offset + META_RX_QUEUE), b, offset + META_SIZE, cap));
            }
        });
    }

    private static BpfObjectSpec spec(String resource) {
        try (InputStream in = XdpDump.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new BpfException("jbpf dump's BPF program " + resource + " is not in this build: build with "
                        + "bpf-src (mvn -pl bpf-src,elf,loader package) so that bpf-src/build/dump/ exists");
            }
            return BpfObjectSpec.parse(resource, in.readAllBytes());
        } catch (IOException e) {
            throw new BpfException("cannot read jbpf dump's BPF program " + resource, e);
        }
    }

    private static byte[] u32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    /** Waits up to {@code timeoutMillis} for packets and hands them to the handler; returns how many. */
    public int poll(int timeoutMillis) {
        return perf.poll(timeoutMillis, Integer.MAX_VALUE);
    }

    /** Records the kernel could not send because the perf buffer was full. */
    public long lost() {
        return perf == null ? 0 : perf.lost();
    }

    /** Packets handed to the handler so far. */
    public long packets() {
        return seen;
    }

    /** Where packets are captured. */
    public Mode mode() {
        return mode;
    }

    /** The device whose program's packets are captured. */
    public String device() {
        return device;
    }

    /** The XDP program whose packets are captured. */
    public BpfProgram program() {
        return target;
    }

    /** The attach mode of the captured program (skb, native). */
    public XdpMode xdpMode() {
        return xdpMode;
    }

    /**
     * Stops capturing: in {@link Mode#ENTRY}, puts the captured program back on the device in one
     * step; then frees everything jbpf dump made. If another program replaced jbpf's in the
     * meantime, that one stays (and this throws, saying so, after freeing the rest).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        if (swappedIn != null) {
            try {
                XdpAttach.replace(device, xdpMode, swappedIn, target);
            } catch (BpfException e) {
                failure = e.errno() == Errno.EEXIST || e.errno() == Errno.EPERM
                        ? new BpfException("jbpf dump: another program replaced the capture program on " + device
                        + " while it ran; left that one in place, not " + target.name() + " (id " + target.id() + ")",
                        e.errno())
                        : e;
            }
        }
        if (perf != null) {
            perf.close();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException r ? r : new BpfException("jbpf dump: close", e);
                }
            }
        }
        target.close();
        if (failure != null) {
            throw failure;
        }
    }
}
