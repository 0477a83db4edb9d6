package io.jbpf.spec;


import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.ProgFlag;
import io.jbpf.uapi.ProgType;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Program section names and the program types they stand for, following libbpf's table:
 * {@code xdp}, {@code xdp.frags}, {@code tc}, {@code tracepoint/<cat>/<name>}, {@code fentry/<fn>} ...
 * Old xdp-tutorial objects name sections freely ({@code xdp_pass}, {@code xdp_icmp_echo}); like
 * libbpf before 1.0, any section starting with {@code xdp} is taken to be XDP.
 */
public final class SectionNames {
    private static final Set<ProgFlag> SLEEPABLE = Set.of(ProgFlag.SLEEPABLE);
    private static final Set<ProgFlag> FRAGS = Set.of(ProgFlag.XDP_HAS_FRAGS);
    private static final Set<ProgFlag> NONE = Set.of();

    /** A name ending in '+' matches itself and {@code name/anything}; otherwise only itself. */
    private record Entry(String pattern, ProgType type, AttachType attach, Set<ProgFlag> flags) {
        boolean matches(String section) {
            if (!pattern.endsWith("+")) {
                return section.equals(pattern);
            }
            // Compared in place: this runs for every table entry and every program.
            int stem = pattern.length() - 1;
            return section.regionMatches(0, pattern, 0, stem)
                    && (section.length() == stem || section.charAt(stem) == '/');
        }
    }

    private static final List<Entry> TABLE = List.of(
        new Entry("socket+", ProgType.SOCKET_FILTER, null, NONE),
        new Entry("sk_reuseport/migrate", ProgType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT_OR_MIGRATE, NONE),
        new Entry("sk_reuseport", ProgType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT, NONE),
        new Entry("kprobe+", ProgType.KPROBE, null, NONE),
        new Entry("kretprobe+", ProgType.KPROBE, null, NONE),
        new Entry("uprobe+", ProgType.KPROBE, null, NONE),
        new Entry("uretprobe+", ProgType.KPROBE, null, NONE),
        new Entry("ksyscall+", ProgType.KPROBE, null, NONE),
        new Entry("kretsyscall+", ProgType.KPROBE, null, NONE),
        new Entry("usdt+", ProgType.KPROBE, null, NONE),
        new Entry("kprobe.multi+", ProgType.KPROBE, AttachType.TRACE_KPROBE_MULTI, NONE),
        new Entry("kretprobe.multi+", ProgType.KPROBE, AttachType.TRACE_KPROBE_MULTI, NONE),
        new Entry("uprobe.multi+", ProgType.KPROBE, AttachType.TRACE_UPROBE_MULTI, NONE),
        new Entry("uretprobe.multi+", ProgType.KPROBE, AttachType.TRACE_UPROBE_MULTI, NONE),
        // TCX (Linux 6.6+): libbpf 1.3 gives tc/ingress and tc/egress the TCX attach types too.
        new Entry("tcx/ingress", ProgType.SCHED_CLS, AttachType.TCX_INGRESS, NONE),
        new Entry("tcx/egress", ProgType.SCHED_CLS, AttachType.TCX_EGRESS, NONE),
        new Entry("tc/ingress", ProgType.SCHED_CLS, AttachType.TCX_INGRESS, NONE),
        new Entry("tc/egress", ProgType.SCHED_CLS, AttachType.TCX_EGRESS, NONE),
        new Entry("tc+", ProgType.SCHED_CLS, null, NONE),
        new Entry("classifier+", ProgType.SCHED_CLS, null, NONE),
        new Entry("action+", ProgType.SCHED_ACT, null, NONE),
        new Entry("tracepoint+", ProgType.TRACEPOINT, null, NONE),
        new Entry("tp+", ProgType.TRACEPOINT, null, NONE),
        new Entry("raw_tracepoint+", ProgType.RAW_TRACEPOINT, null, NONE),
        new Entry("raw_tp+", ProgType.RAW_TRACEPOINT, null, NONE),
        new Entry("raw_tracepoint.w+", ProgType.RAW_TRACEPOINT_WRITABLE, null, NONE),
        new Entry("raw_tp.w+", ProgType.RAW_TRACEPOINT_WRITABLE, null, NONE),
        new Entry("tp_btf+", ProgType.TRACING, AttachType.TRACE_RAW_TP, NONE),
        new Entry("fentry+", ProgType.TRACING, AttachType.TRACE_FENTRY, NONE),
        new Entry("fmod_ret+", ProgType.TRACING, AttachType.MODIFY_RETURN, NONE),
        new Entry("fexit+", ProgType.TRACING, AttachType.TRACE_FEXIT, NONE),
        new Entry("fentry.s+", ProgType.TRACING, AttachType.TRACE_FENTRY, SLEEPABLE),
        new Entry("fmod_ret.s+", ProgType.TRACING, AttachType.MODIFY_RETURN, SLEEPABLE),
        new Entry("fexit.s+", ProgType.TRACING, AttachType.TRACE_FEXIT, SLEEPABLE),
        new Entry("freplace+", ProgType.EXT, null, NONE),
        new Entry("lsm+", ProgType.LSM, AttachType.LSM_MAC, NONE),
        new Entry("lsm.s+", ProgType.LSM, AttachType.LSM_MAC, SLEEPABLE),
        new Entry("lsm_cgroup+", ProgType.LSM, AttachType.LSM_CGROUP, NONE),
        new Entry("iter+", ProgType.TRACING, AttachType.TRACE_ITER, NONE),
        new Entry("iter.s+", ProgType.TRACING, AttachType.TRACE_ITER, SLEEPABLE),
        new Entry("syscall", ProgType.SYSCALL, null, SLEEPABLE),
        new Entry("xdp.frags/devmap", ProgType.XDP, AttachType.XDP_DEVMAP, FRAGS),
        new Entry("xdp/devmap", ProgType.XDP, AttachType.XDP_DEVMAP, NONE),
        new Entry("xdp.frags/cpumap", ProgType.XDP, AttachType.XDP_CPUMAP, FRAGS),
        new Entry("xdp/cpumap", ProgType.XDP, AttachType.XDP_CPUMAP, NONE),
        new Entry("xdp.frags", ProgType.XDP, AttachType.XDP, FRAGS),
        new Entry("xdp", ProgType.XDP, AttachType.XDP, NONE),
        new Entry("perf_event", ProgType.PERF_EVENT, null, NONE),
        new Entry("lwt_in", ProgType.LWT_IN, null, NONE),
        new Entry("lwt_out", ProgType.LWT_OUT, null, NONE),
        new Entry("lwt_xmit", ProgType.LWT_XMIT, null, NONE),
        new Entry("lwt_seg6local", ProgType.LWT_SEG6LOCAL, null, NONE),
        new Entry("sockops", ProgType.SOCK_OPS, AttachType.CGROUP_SOCK_OPS, NONE),
        new Entry("sk_skb/stream_parser", ProgType.SK_SKB, AttachType.SK_SKB_STREAM_PARSER, NONE),
        new Entry("sk_skb/stream_verdict", ProgType.SK_SKB, AttachType.SK_SKB_STREAM_VERDICT, NONE),
        new Entry("sk_skb/verdict", ProgType.SK_SKB, AttachType.SK_SKB_VERDICT, NONE),
        new Entry("sk_skb+", ProgType.SK_SKB, null, NONE),
        new Entry("sk_msg", ProgType.SK_MSG, AttachType.SK_MSG_VERDICT, NONE),
        new Entry("lirc_mode2", ProgType.LIRC_MODE2, AttachType.LIRC_MODE2, NONE),
        new Entry("flow_dissector", ProgType.FLOW_DISSECTOR, AttachType.FLOW_DISSECTOR, NONE),
        new Entry("cgroup_skb/ingress", ProgType.CGROUP_SKB, AttachType.CGROUP_INET_INGRESS, NONE),
        new Entry("cgroup_skb/egress", ProgType.CGROUP_SKB, AttachType.CGROUP_INET_EGRESS, NONE),
        new Entry("cgroup/skb", ProgType.CGROUP_SKB, null, NONE),
        new Entry("cgroup/sock_create", ProgType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, NONE),
        new Entry("cgroup/sock_release", ProgType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_RELEASE, NONE),
        new Entry("cgroup/sock", ProgType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, NONE),
        new Entry("cgroup/post_bind4", ProgType.CGROUP_SOCK, AttachType.CGROUP_INET4_POST_BIND, NONE),
        new Entry("cgroup/post_bind6", ProgType.CGROUP_SOCK, AttachType.CGROUP_INET6_POST_BIND, NONE),
        new Entry("cgroup/dev", ProgType.CGROUP_DEVICE, AttachType.CGROUP_DEVICE, NONE),
        new Entry("cgroup/bind4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_BIND, NONE),
        new Entry("cgroup/bind6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_BIND, NONE),
        new Entry("cgroup/connect4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_CONNECT, NONE),
        new Entry("cgroup/connect6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_CONNECT, NONE),
        new Entry("cgroup/sendmsg4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP4_SENDMSG, NONE),
        new Entry("cgroup/sendmsg6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP6_SENDMSG, NONE),
        new Entry("cgroup/recvmsg4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP4_RECVMSG, NONE),
        new Entry("cgroup/recvmsg6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP6_RECVMSG, NONE),
        new Entry("cgroup/getpeername4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_GETPEERNAME, NONE),
        new Entry("cgroup/getpeername6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_GETPEERNAME, NONE),
        new Entry("cgroup/getsockname4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_GETSOCKNAME, NONE),
        new Entry("cgroup/getsockname6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_GETSOCKNAME, NONE),
        new Entry("cgroup/sysctl", ProgType.CGROUP_SYSCTL, AttachType.CGROUP_SYSCTL, NONE),
        new Entry("cgroup/getsockopt", ProgType.CGROUP_SOCKOPT, AttachType.CGROUP_GETSOCKOPT, NONE),
        new Entry("cgroup/setsockopt", ProgType.CGROUP_SOCKOPT, AttachType.CGROUP_SETSOCKOPT, NONE),
        new Entry("struct_ops+", ProgType.STRUCT_OPS, null, NONE),
        new Entry("struct_ops.s+", ProgType.STRUCT_OPS, null, SLEEPABLE),
        new Entry("sk_lookup", ProgType.SK_LOOKUP, AttachType.SK_LOOKUP, NONE),
        new Entry("netfilter", ProgType.NETFILTER, AttachType.NETFILTER, NONE)
    );

    private SectionNames() {
    }

    /** What {@code section} means, or empty when it follows no known convention. */
    public static Optional<SectionDef> classify(String section) {
        for (Entry e : TABLE) {
            if (e.matches(section)) {
                return Optional.of(new SectionDef(e.type(), e.attach(), e.flags(), false));
            }
        }
        if (section.startsWith("xdp")) {
            return Optional.of(new SectionDef(ProgType.XDP, AttachType.XDP, NONE, true));
        }
        return Optional.empty();
    }
}
