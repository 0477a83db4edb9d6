package io.jbpf.cli;

import io.jbpf.link.LwtRoute;
import io.jbpf.link.NetfilterLink;
import io.jbpf.link.PerfSampling;
import io.jbpf.uapi.PerfSoftwareEvent;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The options of the hooks that {@code jbpf load --attach} and {@code jbpf attach} share beyond
 * XDP, tc and cgroups: perf events, sockmaps, netfilter, LWT routes and network namespaces. Each
 * command adds them once and reads them into {@link Values}; parsing lives here so that both
 * commands accept and refuse the same words.
 */
final class HookOptions {
    /**
     * The parsed options; null where not given.
     *
     * @param perfEvent the software event of perf_event programs (--perf-event)
     * @param sampling  --sample-period or --sample-freq
     * @param map       --map: the sockmap or sockhash of sk_skb and sk_msg programs
     * @param netfilter --nf-hook
     * @param route     --route: the prefix of the route LWT programs run on
     * @param netns     --netns: the network namespace of flow_dissector and sk_lookup programs
     */
    record Values(PerfSoftwareEvent perfEvent, PerfSampling sampling, String map, NetfilterLink.Options netfilter,
                  String route, Path netns) {
        static final Values NONE = new Values(null, null, null, null, null, null);
    }

    /**
     * Netfilter's default priority when --nf-hook gives none: 0, as libbpf's zeroed
     * {@code bpf_netfilter_opts} (bpftool has no netfilter attach), which runs with iptables'
     * filter table (NF_IP_PRI_FILTER).
     */
    static final int DEFAULT_NF_PRIORITY = 0;

    private final OptionSpec perfEventOpt;
    private final OptionSpec periodOpt;
    private final OptionSpec freqOpt;
    private final OptionSpec mapOpt;
    private final OptionSpec nfHookOpt;
    private final OptionSpec routeOpt;
    private final OptionSpec netnsOpt;

    HookOptions(CliCommand c) {
        perfEventOpt = c.option("EVENT", String.class, "the software event of perf_event programs: " + perfEventNames()
                + " (one link per online CPU, pinned as PROG_cpuN)", "--perf-event");
        periodOpt = c.option("N", Long.class, "perf_event programs run every N events (nanoseconds for cpu-clock and "
                + "task-clock)", "--sample-period");
        freqOpt = c.option("HZ", Long.class, "perf_event programs run about HZ times a second", "--sample-freq");
        mapOpt = c.option("NAME", String.class, "the sockmap or sockhash that sk_skb and sk_msg programs attach to "
                + "(default: the only one)", "--map");
        nfHookOpt = c.option("PF:HOOK[:PRIO]", String.class, "where netfilter programs run: ipv4 or ipv6, prerouting, "
                + "local_in, forward, local_out or postrouting, and the priority (default " + DEFAULT_NF_PRIORITY
                + "), e.g. ipv4:local_in:-128", "--nf-hook");
        routeOpt = c.option("PREFIX", String.class, "lwt_in/lwt_out/lwt_xmit programs: add a route to PREFIX "
                + "(10.1.2.0/24) via --dev DEV with the program as its BPF encapsulation (jbpf unload --route removes it)",
                "--route");
        netnsOpt = c.option("PATH", Path.class, "the network namespace of flow_dissector and sk_lookup programs "
                + "(/run/netns/NAME; default: jbpf's own)", "--netns");
    }

    /** Reads and checks the options; IllegalArgumentException (a usage error) for bad words. */
    Values values() {
        Long period = periodOpt.getValue();
        Long freq = freqOpt.getValue();
        if (period != null && freq != null) {
            throw new IllegalArgumentException("--sample-period and --sample-freq exclude each other: give one");
        }
        PerfSampling sampling = period != null ? PerfSampling.period(period) : freq != null ? PerfSampling.frequency(freq) : null;
        String event = perfEventOpt.getValue();
        String nf = nfHookOpt.getValue();
        return new Values(event == null ? null : perfEvent(event), sampling, mapOpt.getValue(), nf == null ? null : netfilter(nf),
                routeOpt.getValue(), netnsOpt.getValue());
    }

    /** {@code cpu-clock} (also {@code CPU_CLOCK}, {@code PERF_COUNT_SW_CPU_CLOCK}) → the event. */
    static PerfSoftwareEvent perfEvent(String s) {
        String n = s.toUpperCase(Locale.ROOT).replace('-', '_');
        if (n.startsWith("PERF_COUNT_SW_")) {
            n = n.substring("PERF_COUNT_SW_".length());
        }
        try {
            return PerfSoftwareEvent.valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --perf-event '" + s + "': software events are " + perfEventNames());
        }
    }

    /** The event as the perf tool names it: {@code cpu-clock}. */
    static String perfEventName(PerfSoftwareEvent e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String perfEventNames() {
        return Arrays.stream(PerfSoftwareEvent.values()).map(HookOptions::perfEventName).collect(Collectors.joining(", "));
    }

    /** {@code period 1000000} or {@code 99 Hz}. */
    static String samplingText(PerfSampling s) {
        return s.mode() == PerfSampling.Mode.PERIOD ? "every " + s.value() + " events" : s.value() + " Hz";
    }

    /** {@code ipv4:local_in[:PRIORITY]} → options; {@code inet4}/{@code inet6} and {@code pre_routing} also accepted. */
    static NetfilterLink.Options netfilter(String s) {
        String usage = "--nf-hook takes PF:HOOK[:PRIORITY] with PF ipv4 or ipv6 and HOOK prerouting, local_in, forward, "
                + "local_out or postrouting (ipv4:local_in:-128), not '" + s + "'";
        String[] p = s.split(":", -1);
        if (p.length < 2 || p.length > 3) {
            throw new IllegalArgumentException(usage);
        }
        NetfilterLink.Protocol pf = switch (p[0].toLowerCase(Locale.ROOT)) {
            case "ipv4", "inet4", "ip" -> NetfilterLink.Protocol.IPV4;
            case "ipv6", "inet6", "ip6" -> NetfilterLink.Protocol.IPV6;
            default -> throw new IllegalArgumentException(usage);
        };
        NetfilterLink.Hook hook = switch (p[1].toLowerCase(Locale.ROOT).replace("_", "").replace("-", "")) {
            case "prerouting" -> NetfilterLink.Hook.PRE_ROUTING;
            case "localin", "input" -> NetfilterLink.Hook.LOCAL_IN;
            case "forward" -> NetfilterLink.Hook.FORWARD;
            case "localout", "output" -> NetfilterLink.Hook.LOCAL_OUT;
            case "postrouting" -> NetfilterLink.Hook.POST_ROUTING;
            default -> throw new IllegalArgumentException(usage);
        };
        int priority = DEFAULT_NF_PRIORITY;
        if (p.length == 3) {
            try {
                priority = Integer.parseInt(p[2]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(usage);
            }
        }
        return new NetfilterLink.Options(pf, hook, priority);
    }

    /** {@code ipv4 local_in priority -128}. */
    static String netfilterText(NetfilterLink.Options o) {
        return o.protocol().name().toLowerCase(Locale.ROOT) + " " + o.hook().name().toLowerCase(Locale.ROOT)
                + " priority " + o.priority();
    }

    /**
     * {@code 10.1.2.0/24} (IPv4 or IPv6; no prefix length: a host route) on {@code device} → the
     * route; only address literals, never a host name to look up.
     */
    static LwtRoute.Route route(String prefix, String device) {
        String usage = "--route takes an address prefix such as 10.1.2.0/24 or fc00::/64, not '" + prefix + "'";
        int slash = prefix.indexOf('/');
        String addr = slash < 0 ? prefix : prefix.substring(0, slash);
        boolean v6 = addr.indexOf(':') >= 0;
        // Only literals: a word InetAddress would resolve as a host name is refused before it can
        if (addr.isEmpty() || !addr.chars().allMatch(ch -> (v6 ? Character.digit(ch, 16) >= 0 : Character.isDigit(ch))
                || ch == '.' || ch == ':')) {
            throw new IllegalArgumentException(usage);
        }
        InetAddress a;
        try {
            a = InetAddress.getByName(addr); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(usage);
        }
        int len;
        try {
            len = slash < 0 ? a.getAddress().length * 8 : Integer.parseInt(prefix.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(usage);
        }
        return new LwtRoute.Route(a, len, device);
    }
}
