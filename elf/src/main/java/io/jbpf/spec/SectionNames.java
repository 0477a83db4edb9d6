package io.jbpf.spec;

import static io.jbpf.uapi.AttachType.*;
import static io.jbpf.uapi.ProgType.*;

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
        new Entry("socket+", BPF_PROG_TYPE_SOCKET_FILTER, null, 0),
        new Entry("sk_reuseport/migrate", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, 0),
        new Entry("sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT, 0),
        new Entry("kprobe+", BPF_PROG_TYPE_KPROBE, null, 0),
        new Entry("kretprobe+", BPF_PROG_TYPE_KPROBE, null, 0),
        new Entry("uprobe+", BPF_PROG_TYPE_KPROBE, null, 0),
        new Entry("uretprobe+", BPF_PROG_TYPE_KPROBE, null, 0),
        new Entry("ksyscall+", BPF_PROG_TYPE_KPROBE, null, 0),
        new Entry("kretsyscall+", BPF_PROG_TYPE_KPROBE, null, 0),
        new Entry("usdt+", BPF_PROG_TYPE_KPROBE, null, 0),
        new Entry("kprobe.multi+", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0),
        new Entry("kretprobe.multi+", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0),
        new Entry("tc+", BPF_PROG_TYPE_SCHED_CLS, null, 0),
        new Entry("classifier+", BPF_PROG_TYPE_SCHED_CLS, null, 0),
        new Entry("action+", BPF_PROG_TYPE_SCHED_ACT, null, 0),
        new Entry("tracepoint+", BPF_PROG_TYPE_TRACEPOINT, null, 0),
        new Entry("tp+", BPF_PROG_TYPE_TRACEPOINT, null, 0),
        new Entry("raw_tracepoint+", BPF_PROG_TYPE_RAW_TRACEPOINT, null, 0),
        new Entry("raw_tp+", BPF_PROG_TYPE_RAW_TRACEPOINT, null, 0),
        new Entry("raw_tracepoint.w+", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, null, 0),
        new Entry("raw_tp.w+", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, null, 0),
        new Entry("tp_btf+", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, 0),
        new Entry("fentry+", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, 0),
        new Entry("fmod_ret+", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, 0),
        new Entry("fexit+", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, 0),
        new Entry("fentry.s+", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, BPF_F_SLEEPABLE),
        new Entry("fmod_ret.s+", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, BPF_F_SLEEPABLE),
        new Entry("fexit.s+", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, BPF_F_SLEEPABLE),
        new Entry("freplace+", BPF_PROG_TYPE_EXT, null, 0),
        new Entry("lsm+", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, 0),
        new Entry("lsm.s+", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, BPF_F_SLEEPABLE),
        new Entry("lsm_cgroup+", BPF_PROG_TYPE_LSM, BPF_LSM_CGROUP, 0),
        new Entry("iter+", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, 0),
        new Entry("iter.s+", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, BPF_F_SLEEPABLE),
        new Entry("syscall", BPF_PROG_TYPE_SYSCALL, null, BPF_F_SLEEPABLE),
        new Entry("xdp.frags/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, BPF_F_XDP_HAS_FRAGS),
        new Entry("xdp/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, 0),
        new Entry("xdp.frags/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, BPF_F_XDP_HAS_FRAGS),
        new Entry("xdp/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, 0),
        new Entry("xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, BPF_F_XDP_HAS_FRAGS),
        new Entry("xdp", BPF_PROG_TYPE_XDP, BPF_XDP, 0),
        new Entry("perf_event", BPF_PROG_TYPE_PERF_EVENT, null, 0),
        new Entry("lwt_in", BPF_PROG_TYPE_LWT_IN, null, 0),
        new Entry("lwt_out", BPF_PROG_TYPE_LWT_OUT, null, 0),
        new Entry("lwt_xmit", BPF_PROG_TYPE_LWT_XMIT, null, 0),
        new Entry("lwt_seg6local", BPF_PROG_TYPE_LWT_SEG6LOCAL, null, 0),
        new Entry("sockops", BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS, 0),
        new Entry("sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER, 0),
        new Entry("sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT, 0),
        new Entry("sk_skb/verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_VERDICT, 0),
        new Entry("sk_skb+", BPF_PROG_TYPE_SK_SKB, null, 0),
        new Entry("sk_msg", BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, 0),
        new Entry("lirc_mode2", BPF_PROG_TYPE_LIRC_MODE2, BPF_LIRC_MODE2, 0),
        new Entry("flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, 0),
        new Entry("cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, 0),
        new Entry("cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 0),
        new Entry("cgroup/skb", BPF_PROG_TYPE_CGROUP_SKB, null, 0),
        new Entry("cgroup/sock_create", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0),
        new Entry("cgroup/sock_release", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE, 0),
        new Entry("cgroup/sock", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0),
        new Entry("cgroup/post_bind4", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND, 0),
        new Entry("cgroup/post_bind6", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND, 0),
        new Entry("cgroup/dev", BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, 0),
        new Entry("cgroup/bind4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, 0),
        new Entry("cgroup/bind6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND, 0),
        new Entry("cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, 0),
        new Entry("cgroup/connect6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, 0),
        new Entry("cgroup/sendmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG, 0),
        new Entry("cgroup/sendmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, 0),
        new Entry("cgroup/recvmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, 0),
        new Entry("cgroup/recvmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG, 0),
        new Entry("cgroup/getpeername4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETPEERNAME, 0),
        new Entry("cgroup/getpeername6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME, 0),
        new Entry("cgroup/getsockname4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME, 0),
        new Entry("cgroup/getsockname6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETSOCKNAME, 0),
        new Entry("cgroup/sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, 0),
        new Entry("cgroup/getsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, 0),
        new Entry("cgroup/setsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT, 0),
        new Entry("struct_ops+", BPF_PROG_TYPE_STRUCT_OPS, null, 0),
        new Entry("struct_ops.s+", BPF_PROG_TYPE_STRUCT_OPS, null, BPF_F_SLEEPABLE),
        new Entry("sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, 0),
        new Entry("netfilter", BPF_PROG_TYPE_NETFILTER, null, 0)
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
            return Optional.of(new SectionDef(BPF_PROG_TYPE_XDP, BPF_XDP, 0, true));
        }
        return Optional.empty();
    }
}
