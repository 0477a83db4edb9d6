package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.internal.netlink.NetlinkSocket;
import io.jbpf.internal.netlink.TcMessages;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.LinkType;
import io.jbpf.uapi.ProgType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A tc program attached as a cls_bpf filter in direct-action mode under the device's clsact qdisc,
 * over rtnetlink, as {@code tc qdisc add dev X clsact; tc filter add dev X ingress bpf da ...}
 * does: the way to attach tc programs before TCX (Linux 6.6), and what {@code tc filter show}
 * lists. The qdisc is created when missing and left in place afterwards (other filters may use
 * it). The filter outlives the JVM; {@link #close()} deletes it, but only while it still runs this
 * link's program, so closing never removes a filter someone else put there since. There is no
 * kernel link object behind it, so it cannot be pinned ({@link TcxLink} can be).
 *
 * <p>The filter is reached through the network namespace it was attached from for its whole life
 * (this keeps that namespace's rtnetlink socket open), so closing it from another thread or
 * namespace still deletes the right filter. Thread-safe.
 */
public final class ClsBpfFilter implements Link {
    private final NetlinkSocket nl;
    private final String device;
    private final int ifindex;
    private final TcDirection direction;
    private final int priority;
    private final int handle;
    /** The name given in the options, or null when the filter is named after its program. */
    private final String fixedName;
    private int progId;
    private boolean closed;

    private ClsBpfFilter(NetlinkSocket nl, String device, int ifindex, TcDirection direction, int priority, int handle,
                         String fixedName, int progId) {
        this.nl = nl;
        this.device = device;
        this.ifindex = ifindex;
        this.direction = direction;
        this.priority = priority;
        this.handle = handle;
        this.fixedName = fixedName;
        this.progId = progId;
    }

    /** Attaches {@code prog} with {@link ClsBpfOptions#DEFAULTS}: a new filter, kernel-picked priority and handle. */
    public static ClsBpfFilter attach(BpfProgram prog, String device, TcDirection direction) {
        return attach(prog, device, direction, ClsBpfOptions.DEFAULTS);
    }

    /**
     * Attaches the sched_cls program {@code prog} to {@code device} (in the calling thread's
     * network namespace) in {@code direction} as a direct-action cls_bpf filter: the program's
     * return code is the verdict (TC_ACT_OK passes, TC_ACT_SHOT drops). Adds the clsact qdisc
     * first when the device has none.
     */
    public static ClsBpfFilter attach(BpfProgram prog, String device, TcDirection direction, ClsBpfOptions options) {
        String what = "attach tc program " + prog.name() + " to " + device + " " + direction + " as a cls_bpf filter"
                + where(options.priority(), options.handle());
        requireSchedCls(prog, what, "a cls_bpf filter");
        int ifindex = XdpAttach.ifindex(device);
        NetlinkSocket nl = NetlinkSocket.openRoute();
        try {
            // CREATE without EXCL: succeeds whether or not the qdisc is there, and keeps its filters.
            nl.request(TcMessages.clsactQdisc(TcMessages.RTM_NEWQDISC,
                    NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK | TcMessages.NLM_F_CREATE, ifindex),
                    what + ": add the clsact qdisc");
            String name = options.name() != null ? options.name() : prog.name();
            int flags = NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK | TcMessages.NLM_F_CREATE
                    | (options.ifAttached() == IfAttached.REPLACE ? TcMessages.NLM_F_REPLACE : TcMessages.NLM_F_EXCL)
                    // ECHO: the kernel sends the filter back, with the priority and handle it picked.
                    | TcMessages.NLM_F_ECHO;
            List<ByteBuffer> replies;
            try {
                replies = nl.request(TcMessages.bpfFilter(flags, ifindex, direction.clsactParent(), options.priority(),
                        options.handle(), prog.fd(), name), what);
            } catch (BpfException e) {
                if (e.errno() == Errno.EEXIST) {
                    throw new BpfException(what + ": a filter is there already (" + describe(nl, ifindex, device,
                            direction, options.priority(), options.handle()) + "); attach with IfAttached.REPLACE "
                            + "to replace it, or pick another priority or handle", Errno.EEXIST);
                }
                throw e;
            }
            TcMessages.Filter made = TcMessages.parseFilters(replies).stream()
                    .filter(f -> f.progId() == prog.id()).findFirst()
                    .or(() -> find(nl, ifindex, device, direction, options.priority(), options.handle())
                            .filter(f -> f.progId() == prog.id()))
                    .orElseThrow(() -> new BpfException(what + ": the kernel accepted the filter but does not list it"));
            return new ClsBpfFilter(nl, device, ifindex, direction, made.priority(), made.handle(), options.name(),
                    prog.id());
        } catch (RuntimeException e) {
            nl.close();
            throw e;
        }
    }

    /**
     * What {@code tc filter show} lists for a bpf filter.
     *
     * @param device       the device
     * @param direction    ingress or egress
     * @param priority     the filter's priority ({@code pref})
     * @param handle       its handle within the priority
     * @param name         the name given when it was added (iproute2 uses {@code file.o:[section]})
     * @param progId       the id of its program
     * @param tag          the program's tag, in hex
     * @param directAction whether the program's return code is the verdict ({@code direct-action})
     */
    public record Info(String device, TcDirection direction, int priority, int handle, String name, int progId,
                       String tag, boolean directAction) {
    }

    /**
     * The bpf filters under the clsact qdisc of {@code device} in {@code direction}, in the order
     * the kernel runs them (by priority); empty when the device has no clsact qdisc. Filters of
     * other kinds (u32, flower ...) are left out.
     */
    public static List<Info> list(String device, TcDirection direction) {
        int ifindex = XdpAttach.ifindex(device);
        try (NetlinkSocket nl = NetlinkSocket.openRoute()) {
            return dump(nl, ifindex, device, direction).stream()
                    .filter(f -> "bpf".equals(f.kind()))
                    .map(f -> new Info(device, direction, f.priority(), f.handle(), f.name(), f.progId(), f.tag(),
                            (f.bpfFlags() & TcMessages.TCA_BPF_FLAG_ACT_DIRECT) != 0))
                    .toList();
        }
    }

    /**
     * Deletes the bpf filter at {@code priority} and {@code handle} of {@code device} in
     * {@code direction}, whoever added it: what {@code jbpf unload} does to filters it finds with
     * {@link #list}. Fails with ENOENT when there is none.
     */
    public static void detach(String device, TcDirection direction, int priority, int handle) {
        int ifindex = XdpAttach.ifindex(device);
        try (NetlinkSocket nl = NetlinkSocket.openRoute()) {
            nl.request(TcMessages.deleteFilter(NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK, ifindex,
                    direction.clsactParent(), priority, handle),
                    "delete the bpf filter" + where(priority, handle) + " of " + device + " " + direction);
        }
    }

    /**
     * Refuses what TCX and cls_bpf cannot run: they take sched_cls programs only. A sched_act
     * program runs as a tc action (act_bpf); the error says whether this kernel has act_bpf at all
     * (asking it, with a request that creates nothing) and what to use instead.
     */
    static void requireSchedCls(BpfProgram prog, String what, String hook) {
        if (prog.type() == ProgType.SCHED_CLS) {
            return;
        }
        String instead = "load the program as sched_cls (section tc, classifier, tcx/ingress or tcx/egress) and attach "
                + "it as a direct-action cls_bpf filter (ClsBpfFilter.attach) or through TCX (TcxLink.attach): its return "
                + "code is then the verdict (TC_ACT_OK passes, TC_ACT_SHOT drops)";
        if (prog.type() != ProgType.SCHED_ACT) {
            throw new BpfException(what + ": program " + prog.name() + " is " + prog.type().kernelName() + ", and "
                    + hook + " runs only " + ProgType.SCHED_CLS.kernelName() + " programs");
        }
        String noAct = what + ": program " + prog.name() + " is " + ProgType.SCHED_ACT.kernelName()
                + ", which runs only as a tc action (act_bpf), not as " + hook;
        try (NetlinkSocket nl = NetlinkSocket.openRoute()) {
            nl.request(TcMessages.probeActBpf(), "probe act_bpf");
        } catch (BpfException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new BpfException(noAct + "; and this kernel has no act_bpf (CONFIG_NET_ACT_BPF): it answers "
                        + kernelText(e, "probe act_bpf") + "; " + instead, Errno.ENOENT);
            }
            // act_bpf is there (the empty request fails on its missing options): jbpf attaches no actions.
        }
        throw new BpfException(noAct + "; jbpf does not attach tc actions; " + instead);
    }

    /** The kernel's extended-ack text inside a netlink failure's message, quoted, or the whole message. */
    private static String kernelText(BpfException e, String what) {
        String m = e.getMessage();
        String suffix = ": " + Errno.describe(e.errno());
        if (m.startsWith(what + ": ") && m.endsWith(suffix) && m.length() > what.length() + 2 + suffix.length()) {
            return "\"" + m.substring(what.length() + 2, m.length() - suffix.length()) + "\"";
        }
        return "\"" + m + "\"";
    }

    private static String where(int priority, int handle) {
        return (priority == 0 ? "" : " at priority " + priority) + (handle == 0 ? "" : " handle 0x" + Integer.toHexString(handle));
    }

    private static List<TcMessages.Filter> dump(NetlinkSocket nl, int ifindex, String device, TcDirection direction) {
        return TcMessages.parseFilters(nl.request(TcMessages.dumpFilters(ifindex, direction.clsactParent()),
                "list the tc filters of " + device + " " + direction));
    }

    private static Optional<TcMessages.Filter> find(NetlinkSocket nl, int ifindex, String device, TcDirection direction,
                                                    int priority, int handle) {
        return dump(nl, ifindex, device, direction).stream()
                .filter(f -> f.priority() == priority && f.handle() == handle).findFirst();
    }

    private static String describe(NetlinkSocket nl, int ifindex, String device, TcDirection direction, int priority,
                                   int handle) {
        return find(nl, ifindex, device, direction, priority, handle)
                .map(f -> f.kind() + " filter" + ("bpf".equals(f.kind()) ? " " + f.name() + ", program id " + f.progId() : ""))
                .orElse("priority " + priority + " handle 0x" + Integer.toHexString(handle));
    }

    /** The device the filter was attached to. */
    public String device() {
        return device;
    }

    /** Ingress or egress. */
    public TcDirection direction() {
        return direction;
    }

    /** The filter's priority, as given or as the kernel picked it. */
    public int priority() {
        return priority;
    }

    /** The filter's handle, as given or as the kernel picked it. */
    public int handle() {
        return handle;
    }

    /** The id of this filter's program: the one attached, or the one {@link #update} put in its place. */
    public synchronized int progId() {
        return progId;
    }

    /**
     * The filter as the kernel lists it now: {@code id} 0 (there is no kernel link object),
     * {@code type} {@link LinkType#UNSPEC}, {@code progId} the program of the filter at this
     * priority and handle (0 when it is gone; another program's id when someone replaced it),
     * {@code ifindex} the device's.
     */
    @Override
    public synchronized KernelInfo.Link info() {
        requireOpen("read the filter");
        int now = find(nl, ifindex, device, direction, priority, handle).map(TcMessages.Filter::progId).orElse(0);
        return new KernelInfo.Link(0, LinkType.UNSPEC, now, ifindex, null);
    }

    /**
     * Refused: a cls_bpf filter belongs to the device's qdisc and has no bpf_link to pin. It stays
     * attached without a pin anyway; {@link TcxLink#attach} makes a tc attachment that can be pinned.
     */
    @Override
    public void pin(Path path) {
        throw new BpfException("pin the cls_bpf filter" + where(priority, handle) + " on " + device + " " + direction
                + " at " + path + ": a tc filter belongs to the device's clsact qdisc and has no bpf_link to pin "
                + "(it stays attached until deleted, pinned or not); attach with TcxLink.attach (Linux 6.6+) for an "
                + "attachment that can be pinned");
    }

    /** Nothing to do: a cls_bpf filter is never pinned. */
    @Override
    public void unpin() {
    }

    /**
     * {@inheritDoc} The filter is replaced in place (RTM_NEWTFILTER with NLM_F_REPLACE at the same
     * priority and handle), so packets see the old program or the new one, never none. Fails,
     * changing nothing, when the filter no longer runs this link's program.
     */
    @Override
    public synchronized void update(BpfProgram program) {
        String what = "replace the cls_bpf filter" + where(priority, handle) + " on " + device + " " + direction
                + " (program id " + progId + ") with program " + program.name();
        requireOpen(what);
        requireSchedCls(program, what, "a cls_bpf filter");
        Optional<TcMessages.Filter> now = find(nl, ifindex, device, direction, priority, handle);
        if (now.isEmpty() || now.get().progId() != progId) {
            throw new BpfException(what + ": the device runs " + now.map(f -> "program id " + f.progId()).orElse("no filter")
                    + " there now, not this link's; someone else replaced or deleted it, so nothing was changed",
                    Errno.ENOENT);
        }
        // REPLACE without CREATE: if the filter vanished since the check, the kernel fails rather than adding one.
        nl.request(TcMessages.bpfFilter(NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK | TcMessages.NLM_F_REPLACE,
                ifindex, direction.clsactParent(), priority, handle, program.fd(),
                fixedName != null ? fixedName : program.name()), what);
        progId = program.id();
    }

    /** Deletes the filter if it still runs this link's program; the clsact qdisc stays. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Optional<TcMessages.Filter> now = find(nl, ifindex, device, direction, priority, handle);
            if (now.isPresent() && now.get().progId() == progId) {
                nl.request(TcMessages.deleteFilter(NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK, ifindex,
                        direction.clsactParent(), priority, handle),
                        "delete the cls_bpf filter" + where(priority, handle) + " of " + device + " " + direction);
            }
        } catch (BpfException e) {
            // ENODEV: the device is gone; ENOENT/EINVAL: the filter or the qdisc went with it. Nothing of ours is left.
            if (e.errno() != Errno.ENODEV && e.errno() != Errno.ENOENT && e.errno() != Errno.EINVAL) {
                throw e;
            }
        } finally {
            nl.close();
        }
    }

    private void requireOpen(String what) {
        if (closed) {
            throw new BpfException(what + ": the filter link is closed");
        }
    }

    @Override
    public synchronized String toString() {
        return "ClsBpfFilter[" + device + " " + direction + ", pref " + priority + " handle 0x"
                + Integer.toHexString(handle) + ", prog " + progId + "]";
    }
}
