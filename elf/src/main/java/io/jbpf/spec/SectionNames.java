package io.jbpf.spec;


import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.ProgType;
import java.util.List;
import java.util.Optional;

/**
 * Program section names and the program types they stand for, following libbpf's table:
 * {@code xdp}, {@code xdp.frags}, {@code tc}, {@code tracepoint/<cat>/<name>}, {@code fentry/<fn>} ...
 * Old xdp-tutorial objects name sections freely ({@code xdp_pass}, {@code xdp_icmp_echo}); like
 * libbpf before 1.0, any section starting with {@code xdp} is taken to be XDP.
 */
public final class SectionNames {
    /** BPF_F_SLEEPABLE from linux/bpf.h. */
    public static final int BPF_F_SLEEPABLE = 1 << 4;
    /** BPF_F_XDP_HAS_FRAGS from linux/bpf.h. */
    public static final int BPF_F_XDP_HAS_FRAGS = 1 << 5;

    /** A name ending in '+' matches itself and {@code name/anything}; otherwise only itself. */
    private record Entry(String pattern, ProgType type, AttachType attach, int flags) {
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
        new Entry("socket+", ProgType.SOCKET_FILTER, null, 0),
        new Entry("sk_reuseport/migrate", ProgType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT_OR_MIGRATE, 0),
        new Entry("sk_reuseport", ProgType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT, 0),
        new Entry("kprobe+", ProgType.KPROBE, null, 0),
        new Entry("kretprobe+", ProgType.KPROBE, null, 0),
        new Entry("uprobe+", ProgType.KPROBE, null, 0),
        new Entry("uretprobe+", ProgType.KPROBE, null, 0),
        new Entry("ksyscall+", ProgType.KPROBE, null, 0),
        new Entry("kretsyscall+", ProgType.KPROBE, null, 0),
        new Entry("usdt+", ProgType.KPROBE, null, 0),
        new Entry("kprobe.multi+", ProgType.KPROBE, AttachType.TRACE_KPROBE_MULTI, 0),
        new Entry("kretprobe.multi+", ProgType.KPROBE, AttachType.TRACE_KPROBE_MULTI, 0),
        new Entry("tc+", ProgType.SCHED_CLS, null, 0),
        new Entry("classifier+", ProgType.SCHED_CLS, null, 0),
        new Entry("action+", ProgType.SCHED_ACT, null, 0),
        new Entry("tracepoint+", ProgType.TRACEPOINT, null, 0),
        new Entry("tp+", ProgType.TRACEPOINT, null, 0),
        new Entry("raw_tracepoint+", ProgType.RAW_TRACEPOINT, null, 0),
        new Entry("raw_tp+", ProgType.RAW_TRACEPOINT, null, 0),
        new Entry("raw_tracepoint.w+", ProgType.RAW_TRACEPOINT_WRITABLE, null, 0),
        new Entry("raw_tp.w+", ProgType.RAW_TRACEPOINT_WRITABLE, null, 0),
        new Entry("tp_btf+", ProgType.TRACING, AttachType.TRACE_RAW_TP, 0),
        new Entry("fentry+", ProgType.TRACING, AttachType.TRACE_FENTRY, 0),
        new Entry("fmod_ret+", ProgType.TRACING, AttachType.MODIFY_RETURN, 0),
        new Entry("fexit+", ProgType.TRACING, AttachType.TRACE_FEXIT, 0),
        new Entry("fentry.s+", ProgType.TRACING, AttachType.TRACE_FENTRY, BPF_F_SLEEPABLE),
        new Entry("fmod_ret.s+", ProgType.TRACING, AttachType.MODIFY_RETURN, BPF_F_SLEEPABLE),
        new Entry("fexit.s+", ProgType.TRACING, AttachType.TRACE_FEXIT, BPF_F_SLEEPABLE),
        new Entry("freplace+", ProgType.EXT, null, 0),
        new Entry("lsm+", ProgType.LSM, AttachType.LSM_MAC, 0),
        new Entry("lsm.s+", ProgType.LSM, AttachType.LSM_MAC, BPF_F_SLEEPABLE),
        new Entry("lsm_cgroup+", ProgType.LSM, AttachType.LSM_CGROUP, 0),
        new Entry("iter+", ProgType.TRACING, AttachType.TRACE_ITER, 0),
        new Entry("iter.s+", ProgType.TRACING, AttachType.TRACE_ITER, BPF_F_SLEEPABLE),
        new Entry("syscall", ProgType.SYSCALL, null, BPF_F_SLEEPABLE),
        new Entry("xdp.frags/devmap", ProgType.XDP, AttachType.XDP_DEVMAP, BPF_F_XDP_HAS_FRAGS),
        new Entry("xdp/devmap", ProgType.XDP, AttachType.XDP_DEVMAP, 0),
        new Entry("xdp.frags/cpumap", ProgType.XDP, AttachType.XDP_CPUMAP, BPF_F_XDP_HAS_FRAGS),
        new Entry("xdp/cpumap", ProgType.XDP, AttachType.XDP_CPUMAP, 0),
        new Entry("xdp.frags", ProgType.XDP, AttachType.XDP, BPF_F_XDP_HAS_FRAGS),
        new Entry("xdp", ProgType.XDP, AttachType.XDP, 0),
        new Entry("perf_event", ProgType.PERF_EVENT, null, 0),
        new Entry("lwt_in", ProgType.LWT_IN, null, 0),
        new Entry("lwt_out", ProgType.LWT_OUT, null, 0),
        new Entry("lwt_xmit", ProgType.LWT_XMIT, null, 0),
        new Entry("lwt_seg6local", ProgType.LWT_SEG6LOCAL, null, 0),
        new Entry("sockops", ProgType.SOCK_OPS, AttachType.CGROUP_SOCK_OPS, 0),
        new Entry("sk_skb/stream_parser", ProgType.SK_SKB, AttachType.SK_SKB_STREAM_PARSER, 0),
        new Entry("sk_skb/stream_verdict", ProgType.SK_SKB, AttachType.SK_SKB_STREAM_VERDICT, 0),
        new Entry("sk_skb/verdict", ProgType.SK_SKB, AttachType.SK_SKB_VERDICT, 0),
        new Entry("sk_skb+", ProgType.SK_SKB, null, 0),
        new Entry("sk_msg", ProgType.SK_MSG, AttachType.SK_MSG_VERDICT, 0),
        new Entry("lirc_mode2", ProgType.LIRC_MODE2, AttachType.LIRC_MODE2, 0),
        new Entry("flow_dissector", ProgType.FLOW_DISSECTOR, AttachType.FLOW_DISSECTOR, 0),
        new Entry("cgroup_skb/ingress", ProgType.CGROUP_SKB, AttachType.CGROUP_INET_INGRESS, 0),
        new Entry("cgroup_skb/egress", ProgType.CGROUP_SKB, AttachType.CGROUP_INET_EGRESS, 0),
        new Entry("cgroup/skb", ProgType.CGROUP_SKB, null, 0),
        new Entry("cgroup/sock_create", ProgType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, 0),
        new Entry("cgroup/sock_release", ProgType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_RELEASE, 0),
        new Entry("cgroup/sock", ProgType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, 0),
        new Entry("cgroup/post_bind4", ProgType.CGROUP_SOCK, AttachType.CGROUP_INET4_POST_BIND, 0),
        new Entry("cgroup/post_bind6", ProgType.CGROUP_SOCK, AttachType.CGROUP_INET6_POST_BIND, 0),
        new Entry("cgroup/dev", ProgType.CGROUP_DEVICE, AttachType.CGROUP_DEVICE, 0),
        new Entry("cgroup/bind4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_BIND, 0),
        new Entry("cgroup/bind6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_BIND, 0),
        new Entry("cgroup/connect4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_CONNECT, 0),
        new Entry("cgroup/connect6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_CONNECT, 0),
        new Entry("cgroup/sendmsg4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP4_SENDMSG, 0),
        new Entry("cgroup/sendmsg6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP6_SENDMSG, 0),
        new Entry("cgroup/recvmsg4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP4_RECVMSG, 0),
        new Entry("cgroup/recvmsg6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP6_RECVMSG, 0),
        new Entry("cgroup/getpeername4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_GETPEERNAME, 0),
        new Entry("cgroup/getpeername6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_GETPEERNAME, 0),
        new Entry("cgroup/getsockname4", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_GETSOCKNAME, 0),
        new Entry("cgroup/getsockname6", ProgType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_GETSOCKNAME, 0),
        new Entry("cgroup/sysctl", ProgType.CGROUP_SYSCTL, AttachType.CGROUP_SYSCTL, 0),
        new Entry("cgroup/getsockopt", ProgType.CGROUP_SOCKOPT, AttachType.CGROUP_GETSOCKOPT, 0),
        new Entry("cgroup/setsockopt", ProgType.CGROUP_SOCKOPT, AttachType.CGROUP_SETSOCKOPT, 0),
        new Entry("struct_ops+", ProgType.STRUCT_OPS, null, 0),
        new Entry("struct_ops.s+", ProgType.STRUCT_OPS, null, BPF_F_SLEEPABLE),
        new Entry("sk_lookup", ProgType.SK_LOOKUP, AttachType.SK_LOOKUP, 0),
        new Entry("netfilter", ProgType.NETFILTER, null, 0)
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
            return Optional.of(new SectionDef(ProgType.XDP, AttachType.XDP, 0, true));
        }
        return Optional.empty();
    }
}
