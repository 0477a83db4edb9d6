package io.jbpf.cli;

import io.jbpf.BpfMap;
import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.link.CgroupLink;
import io.jbpf.link.ClsBpfFilter;
import io.jbpf.link.ClsBpfOptions;
import io.jbpf.link.IfAttached;
import io.jbpf.link.KprobeLink;
import io.jbpf.link.KprobeMultiLink;
import io.jbpf.link.Link;
import io.jbpf.link.LwtRoute;
import io.jbpf.link.NetfilterLink;
import io.jbpf.link.NetnsLink;
import io.jbpf.link.PerfEventLink;
import io.jbpf.link.RawTracepointLink;
import io.jbpf.link.SockmapAttachment;
import io.jbpf.link.TcDirection;
import io.jbpf.link.TcxLink;
import io.jbpf.link.TracepointLink;
import io.jbpf.link.TracingLink;
import io.jbpf.link.UprobeLink;
import io.jbpf.link.UprobeMultiLink;
import io.jbpf.link.XdpBpfLink;
import io.jbpf.link.XdpBusyException;
import io.jbpf.link.XdpLink;
import io.jbpf.link.XdpMode;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.ProgramSpec;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.ProgType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * How the CLI attaches a program, by its type and section: the one table ({@link #HOOKS}) that
 * {@code jbpf load --attach} and {@code jbpf attach} go through. Each hook says which programs
 * it takes, how it attaches them from the command line's options, and whether the attachment
 * outlives jbpf by itself (netlink XDP) or needs its link pinned (every bpf_link).
 */
final class Attachments {
    private Attachments() {
    }

    /** How an XDP program is attached: over netlink (stays after exit) or through a bpf_link (pin it). */
    enum XdpVia {
        NETLINK, LINK;

        static XdpVia parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "netlink" -> NETLINK;
                case "link" -> LINK;
                default -> throw new IllegalArgumentException("unknown --xdp-via '" + s + "' (netlink or link)");
            };
        }
    }

    /**
     * The command line's say on where programs go; each hook reads what it needs.
     *
     * @param device     --dev: the device of XDP (and tc) programs, or null
     * @param xdpMode    --mode for XDP
     * @param ifAttached what to do when the device has an XDP program already (--force: replace)
     * @param xdpVia     --xdp-via: netlink or a bpf_link
     * @param tracepoint --tracepoint CATEGORY/NAME for a program whose section does not name one, or null
     * @param cgroup     --cgroup: the cgroup of cgroup programs, or null
     * @param tc         --tc: the direction of tc programs, or null to take it from the section
     * @param tcMode     --tc-mode: a TCX link or a clsact cls_bpf filter
     */
    record Target(String device, XdpMode xdpMode, IfAttached ifAttached, XdpVia xdpVia, String tracepoint, Path cgroup,
                  TcDirection tc, TcMode tcMode, HookOptions.Values more) {
    }

    /**
     * Where {@code --map NAME} finds the maps of sockmap programs: the loaded object's maps for
     * {@code jbpf load}, the program's own maps (or a pinned path) for {@code jbpf attach}.
     */
    @FunctionalInterface
    interface Maps {
        /** Every map that can be named, by name; the caller closes none of them. */
        Map<String, BpfMap> all();
    }

    /** How a tc program is attached: a TCX link (Linux 6.6+; pin it) or a clsact cls_bpf filter (stays). */
    enum TcMode {
        TCX, CLSACT;

        static TcMode parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "tcx" -> TCX;
                case "clsact" -> CLSACT;
                default -> throw new IllegalArgumentException("unknown --tc-mode '" + s + "' (tcx or clsact)");
            };
        }
    }

    /** The program types attached to a cgroup. */
    private static final Set<ProgType> CGROUP_TYPES = EnumSet.of(ProgType.CGROUP_SKB, ProgType.CGROUP_SOCK,
            ProgType.CGROUP_SOCK_ADDR, ProgType.SOCK_OPS, ProgType.CGROUP_DEVICE, ProgType.CGROUP_SYSCTL,
            ProgType.CGROUP_SOCKOPT);

    /** The network namespace jbpf runs in, for flow dissector and sk_lookup programs. */
    private static final Path OWN_NETNS = Path.of("/proc/self/ns/net");

    /**
     * An attachment made, and whether it stays after jbpf exits without a pin.
     *
     * @param pinName the file name of its pin under --pin DIR/links (the program's name, with
     *                {@code _cpuN} for the per-CPU links of perf_event programs)
     */
    record Attached(BpfProgram program, Link link, boolean outlivesProcess, String where, String pinName) {
        Attached(BpfProgram program, Link link, boolean outlivesProcess, String where) {
            this(program, link, outlivesProcess, where, program.name().replace('.', '_'));
        }
    }

    /** A kind of hook: which programs it takes and how they attach. */
    private record Hook(String name, String usage, Predicate<ProgType> takes, Attach attach) {
    }

    @FunctionalInterface
    private interface Attach {
        List<Attached> attach(BpfProgram prog, Target target, Maps maps);
    }

    /** A hook that takes one attachment per program. */
    @FunctionalInterface
    private interface AttachOne {
        Attached attach(BpfProgram prog, Target target);
    }

    private static Attach one(AttachOne a) {
        return (prog, target, maps) -> List.of(a.attach(prog, target));
    }

    /**
     * The hooks jbpf attaches from the command line, in the order they are tried. Other hooks plug
     * in here: one entry each (tc: --dev and --tc; cgroups: --cgroup; ...).
     */
    private static final List<Hook> HOOKS = List.of(
            new Hook("xdp", "xdp sections, with --dev DEV", t -> t == ProgType.XDP, one(Attachments::xdp)),
            new Hook("tracepoint", "tracepoint/<category>/<name> sections (or --tracepoint CATEGORY/NAME)",
                    t -> t == ProgType.TRACEPOINT, one(Attachments::tracepoint)),
            new Hook("tc", "tc, classifier and tcx/* sections, with --dev DEV [--tc ingress|egress] [--tc-mode tcx|clsact]",
                    t -> t == ProgType.SCHED_CLS, one(Attachments::tc)),
            new Hook("cgroup", "cgroup_skb/*, cgroup/*, sockops sections, with --cgroup PATH", CGROUP_TYPES::contains,
                    one(Attachments::cgroup)),
            new Hook("netns", "flow_dissector and sk_lookup sections (jbpf's network namespace, or --netns PATH)",
                    t -> t == ProgType.FLOW_DISSECTOR || t == ProgType.SK_LOOKUP, one(Attachments::netns)),
            new Hook("raw_tp", "raw_tp/<name> and raw_tracepoint/<name> sections",
                    t -> t == ProgType.RAW_TRACEPOINT || t == ProgType.RAW_TRACEPOINT_WRITABLE, one(Attachments::rawTracepoint)),
            new Hook("tracing", "tp_btf/, fentry/, fexit/, fmod_ret/, lsm/ and freplace/ sections",
                    t -> t == ProgType.TRACING || t == ProgType.LSM || t == ProgType.EXT, one(Attachments::tracing)),
            new Hook("probe", "uprobe/PATH:FUNC[+OFFSET], uretprobe/PATH:FUNC, kprobe/FUNC, kretprobe/FUNC, ksyscall/NAME, kretsyscall/NAME sections and their "
                    + ".multi forms with globs (uprobe.multi/PATH:GLOB, kprobe.multi/GLOB)",
                    t -> t == ProgType.KPROBE, one(Attachments::probe)),
            new Hook("perf_event", "perf_event sections, with --perf-event EVENT and --sample-period N or --sample-freq HZ "
                    + "(one link per online CPU)", t -> t == ProgType.PERF_EVENT, Attachments::perfEvent),
            new Hook("sockmap", "sk_skb/stream_parser, sk_skb/stream_verdict, sk_skb/verdict and sk_msg sections, on "
                    + "--map NAME (or the object's only sockmap/sockhash)", t -> t == ProgType.SK_SKB || t == ProgType.SK_MSG,
                    Attachments::sockmap),
            new Hook("netfilter", "netfilter sections, with --nf-hook ipv4|ipv6:HOOK[:PRIORITY]", t -> t == ProgType.NETFILTER,
                    one(Attachments::netfilter)),
            new Hook("lwt", "lwt_in, lwt_out and lwt_xmit sections, with --route PREFIX --dev DEV",
                    t -> t == ProgType.LWT_IN || t == ProgType.LWT_OUT || t == ProgType.LWT_XMIT, one(Attachments::lwt)));

    /**
     * Program types that attach to something the command line cannot name (a socket of a running
     * process), with the library call that attaches them.
     */
    private static final Map<ProgType, String> LIBRARY_ONLY = Map.of(
            ProgType.SOCKET_FILTER, "a socket filter attaches to one socket (SO_ATTACH_BPF), which jbpf cannot name on the "
                    + "command line: attach it in the process that owns the socket, with SocketFilter.attach(program, channel)",
            ProgType.SK_REUSEPORT, "an sk_reuseport program attaches to an SO_REUSEPORT group of sockets "
                    + "(SO_ATTACH_REUSEPORT_EBPF), which jbpf cannot name on the command line: attach it in the process that "
                    + "owns the sockets, with ReuseportAttachment.attach(program, channel)");

    /** What jbpf can attach, for error messages. */
    static String supported() {
        return HOOKS.stream().map(Hook::usage).collect(Collectors.joining("; "));
    }

    /**
     * The programs of {@code candidates} that attach by their section: all but the tail-call
     * targets of the object's prog arrays, which run only through those.
     *
     * @param file the file the user named, for the message (the object, or the source it was compiled from)
     * @throws BpfException when none is left
     */
    static List<ProgramSpec> entries(BpfObjectSpec spec, List<ProgramSpec> candidates, String file) {
        List<ProgramSpec> entries = candidates.stream().filter(p -> !spec.tailCallTargets().contains(p.name())).toList();
        if (entries.isEmpty()) {
            throw new BpfException(file + ": " + (candidates.isEmpty() ? "the object has no programs to attach"
                    : "every selected program is a tail-call target, which runs only through its prog array"));
        }
        return entries;
    }

    /**
     * Attaches {@code prog} where its type and section say, with {@code target}'s options.
     *
     * @throws BpfException when no hook takes the program (naming its section and what jbpf
     *                      attaches), or the hook refuses it
     */
    static List<Attached> attach(BpfProgram prog, Target target, Maps maps) {
        return hook(prog.name(), prog.section(), prog.type()).attach().attach(prog, target, maps);
    }

    /**
     * Fails unless a hook takes programs of {@code type}: checked for every program before any is
     * loaded or attached, so that an object jbpf cannot attach whole changes nothing.
     */
    static void requireHook(String name, String section, ProgType type) {
        hook(name, section, type);
    }

    private static Hook hook(String name, String section, ProgType type) {
        for (Hook h : HOOKS) {
            if (type != null && h.takes().test(type)) {
                return h;
            }
        }
        String what = "program " + name + (section != null ? " (section " + section + ")" : "") + " is "
                + (type == null ? "of no type its section names" : type.kernelName());
        String libraryOnly = type == null ? null : LIBRARY_ONLY.get(type);
        if (libraryOnly != null) {
            throw new BpfException(what + ": " + libraryOnly);
        }
        throw new BpfException(what + ", which jbpf cannot attach from the command line; it attaches " + supported());
    }

    private static Attached xdp(BpfProgram prog, Target t) {
        if (t.device() == null) {
            throw new BpfException("XDP program " + prog.name() + " needs a device: give --dev DEV");
        }
        // with no mode the kernel picked one (native where the driver has it): say which
        String where = t.device() + (t.xdpMode() == null ? " (mode picked by the kernel)" : " (" + t.xdpMode() + " mode)");
        if (t.xdpVia() == XdpVia.LINK) {
            return new Attached(prog, XdpBpfLink.attach(prog, t.device(), t.xdpMode()), false, where);
        }
        try {
            XdpLink link = XdpLink.attach(prog, t.device(), t.xdpMode(), t.ifAttached());
            return new Attached(prog, link, true, t.device() + " (" + link.mode() + " mode)");
        } catch (XdpBusyException e) {
            // The library names its API; the CLI says which flag does the same, where one would help.
            throw e.linkId() == 0 && t.ifAttached() != IfAttached.REPLACE
                    ? new BpfException(e.message("use --force to replace it"), e.errno()) : e;
        }
    }

    private static Attached tracepoint(BpfProgram prog, Target t) {
        if (t.tracepoint() != null) {
            String[] parts = t.tracepoint().split("/");
            if (parts.length != 2) {
                throw new IllegalArgumentException("--tracepoint takes CATEGORY/NAME (syscalls/sys_enter_getpid), not '"
                        + t.tracepoint() + "'");
            }
            return new Attached(prog, TracepointLink.attach(prog, parts[0], parts[1]), false, "tracepoint " + t.tracepoint());
        }
        if (prog.section() == null) {
            throw new BpfException("tracepoint program " + prog.name() + " has no section to name its tracepoint: give "
                    + "--tracepoint CATEGORY/NAME");
        }
        TracepointLink l = TracepointLink.attach(prog);
        return new Attached(prog, l, false, "tracepoint " + l.tracepoint());
    }

    private static Attached tc(BpfProgram prog, Target t) {
        if (t.device() == null) {
            throw new BpfException("tc program " + prog.name() + " needs a device: give --dev DEV");
        }
        TcDirection direction = t.tc();
        if (direction == null) {
            AttachType expected = prog.expectedAttachType();
            if (expected == AttachType.TCX_INGRESS || expected == AttachType.TCX_EGRESS) {
                direction = expected == AttachType.TCX_INGRESS ? TcDirection.INGRESS : TcDirection.EGRESS;
            } else {
                throw new BpfException("tc program " + prog.name() + " (section " + prog.section()
                        + ") does not say ingress or egress: give --tc ingress or --tc egress");
            }
        }
        String where = t.device() + " " + direction;
        if (t.tcMode() == TcMode.CLSACT) {
            ClsBpfOptions options = ClsBpfOptions.DEFAULTS.withIfAttached(t.ifAttached());
            return new Attached(prog, ClsBpfFilter.attach(prog, t.device(), direction, options), true, where + " (clsact)");
        }
        return new Attached(prog, TcxLink.attach(prog, t.device(), direction), false, where + " (tcx)");
    }

    private static Attached cgroup(BpfProgram prog, Target t) {
        if (t.cgroup() == null) {
            throw new BpfException("cgroup program " + prog.name() + " needs a cgroup: give --cgroup PATH");
        }
        return new Attached(prog, CgroupLink.attach(prog, t.cgroup()), false, "cgroup " + t.cgroup());
    }

    private static Attached netns(BpfProgram prog, Target t) {
        Path netns = t.more().netns() != null ? t.more().netns() : OWN_NETNS;
        return new Attached(prog, NetnsLink.attach(prog, netns), false, "network namespace " + netns);
    }

    private static Attached rawTracepoint(BpfProgram prog, Target t) {
        RawTracepointLink l = RawTracepointLink.attach(prog);
        return new Attached(prog, l, false, "raw tracepoint of " + prog.section());
    }

    private static Attached tracing(BpfProgram prog, Target t) {
        // tp_btf programs are TRACING programs too, but attach as raw tracepoints
        Link l = prog.expectedAttachType() == AttachType.TRACE_RAW_TP ? RawTracepointLink.attach(prog) : TracingLink.attach(prog);
        return new Attached(prog, l, false, prog.section());
    }

    private static Attached probe(BpfProgram prog, Target t) {
        String section = prog.section() == null ? "" : prog.section();
        // the .multi forms first: "uprobe.multi/..." starts with "uprobe" too
        Link l = section.startsWith("uprobe.multi/") || section.startsWith("uretprobe.multi/") ? UprobeMultiLink.attach(prog)
                : section.startsWith("kprobe.multi/") || section.startsWith("kretprobe.multi/") ? KprobeMultiLink.attach(prog)
                : section.startsWith("uprobe") || section.startsWith("uretprobe") ? UprobeLink.attach(prog)
                : KprobeLink.attach(prog);
        return new Attached(prog, l, false, section);
    }

    private static List<Attached> perfEvent(BpfProgram prog, Target t, Maps maps) {
        HookOptions.Values v = t.more();
        if (v.perfEvent() == null || v.sampling() == null) {
            throw new BpfException("perf_event program " + prog.name() + " needs an event and a rate: give --perf-event "
                    + "EVENT (" + HookOptions.perfEventNames() + ") and --sample-period N or --sample-freq HZ");
        }
        List<Attached> out = new ArrayList<>();
        for (PerfEventLink l : PerfEventLink.attachEachCpu(prog, v.perfEvent(), v.sampling())) {
            int cpu = l.options().cpu().orElseThrow();
            out.add(new Attached(prog, l, false, HookOptions.perfEventName(v.perfEvent()) + " on cpu " + cpu + " ("
                    + HookOptions.samplingText(v.sampling()) + ")", prog.name().replace('.', '_') + "_cpu" + cpu));
        }
        return out;
    }

    private static List<Attached> sockmap(BpfProgram prog, Target t, Maps maps) {
        Map<String, BpfMap> all = maps.all();
        String name = t.more().map();
        BpfMap map;
        if (name != null) {
            map = all.get(name);
            if (map == null) {
                throw new BpfException("program " + prog.name() + " (section " + prog.section() + "): there is no map "
                        + name + " to attach it to; the maps are " + String.join(", ", all.keySet()));
            }
        } else {
            List<BpfMap> socks = all.values().stream()
                    .filter(m -> m.type() == MapType.SOCKMAP || m.type() == MapType.SOCKHASH).toList();
            if (socks.size() != 1) {
                throw new BpfException("program " + prog.name() + " (section " + prog.section() + ") attaches to a sockmap "
                        + "or sockhash, and " + (socks.isEmpty() ? "there is none among the maps "
                        + String.join(", ", all.keySet()) : "there are several ("
                        + socks.stream().map(BpfMap::name).collect(Collectors.joining(", ")) + ")") + ": give --map NAME");
            }
            map = socks.get(0);
        }
        SockmapAttachment a = SockmapAttachment.attach(prog, map);
        return List.of(new Attached(prog, a, false, "map " + map.name() + " (" + a.hook().name().toLowerCase(Locale.ROOT) + ")"));
    }

    private static Attached netfilter(BpfProgram prog, Target t) {
        NetfilterLink.Options o = t.more().netfilter();
        if (o == null) {
            throw new BpfException("netfilter program " + prog.name() + " needs a hook: give --nf-hook "
                    + "ipv4|ipv6:prerouting|local_in|forward|local_out|postrouting[:PRIORITY]");
        }
        return new Attached(prog, NetfilterLink.attach(prog, o), false, "netfilter " + HookOptions.netfilterText(o));
    }

    private static Attached lwt(BpfProgram prog, Target t) {
        String prefix = t.more().route();
        if (prefix == null || t.device() == null) {
            throw new BpfException("LWT program " + prog.name() + " (section " + prog.section() + ") runs on a route: give "
                    + "--route PREFIX --dev DEV (jbpf adds the route with the program as its BPF encapsulation)");
        }
        LwtRoute.Route route = HookOptions.route(prefix, t.device());
        return new Attached(prog, LwtRoute.attach(prog, route), true, "route " + route);
    }
}
