package io.jbpf.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.ProgType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SectionNamesTest {
    static final int FRAGS = SectionNames.BPF_F_XDP_HAS_FRAGS;
    static final int SLEEPABLE = SectionNames.BPF_F_SLEEPABLE;

    /** An empty attach column means "no expected attach type". */
    @ParameterizedTest(name = "{0} -> {1} {2} flags={3} legacy={4}")
    @CsvSource({
        "xdp,                                  BPF_PROG_TYPE_XDP,                     BPF_XDP,                            0,  false",
        "xdp.frags,                            BPF_PROG_TYPE_XDP,                     BPF_XDP,                            32, false",
        "xdp/devmap,                           BPF_PROG_TYPE_XDP,                     BPF_XDP_DEVMAP,                     0,  false",
        "xdp/cpumap,                           BPF_PROG_TYPE_XDP,                     BPF_XDP_CPUMAP,                     0,  false",
        "xdp.frags/devmap,                     BPF_PROG_TYPE_XDP,                     BPF_XDP_DEVMAP,                     32, false",
        "xdp.frags/cpumap,                     BPF_PROG_TYPE_XDP,                     BPF_XDP_CPUMAP,                     32, false",
        "xdp_pass,                             BPF_PROG_TYPE_XDP,                     BPF_XDP,                            0,  true",
        "xdp_icmp_echo,                        BPF_PROG_TYPE_XDP,                     BPF_XDP,                            0,  true",
        "xdp_legacy,                           BPF_PROG_TYPE_XDP,                     BPF_XDP,                            0,  true",
        "xdp/foo,                              BPF_PROG_TYPE_XDP,                     BPF_XDP,                            0,  true",
        "tc,                                   BPF_PROG_TYPE_SCHED_CLS,               ,                                   0,  false",
        "tc/ingress,                           BPF_PROG_TYPE_SCHED_CLS,               ,                                   0,  false",
        "classifier,                           BPF_PROG_TYPE_SCHED_CLS,               ,                                   0,  false",
        "classifier/foo,                       BPF_PROG_TYPE_SCHED_CLS,               ,                                   0,  false",
        "action,                               BPF_PROG_TYPE_SCHED_ACT,               ,                                   0,  false",
        "tracepoint/syscalls/sys_enter_openat, BPF_PROG_TYPE_TRACEPOINT,              ,                                   0,  false",
        "tp/x/y,                               BPF_PROG_TYPE_TRACEPOINT,              ,                                   0,  false",
        "raw_tp/x,                             BPF_PROG_TYPE_RAW_TRACEPOINT,          ,                                   0,  false",
        "raw_tracepoint/sched_switch,          BPF_PROG_TYPE_RAW_TRACEPOINT,          ,                                   0,  false",
        "raw_tp.w/x,                           BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, ,                                   0,  false",
        "tp_btf/sched_switch,                  BPF_PROG_TYPE_TRACING,                 BPF_TRACE_RAW_TP,                   0,  false",
        "fentry/foo,                           BPF_PROG_TYPE_TRACING,                 BPF_TRACE_FENTRY,                   0,  false",
        "fentry.s/foo,                         BPF_PROG_TYPE_TRACING,                 BPF_TRACE_FENTRY,                   16, false",
        "fexit/foo,                            BPF_PROG_TYPE_TRACING,                 BPF_TRACE_FEXIT,                    0,  false",
        "fmod_ret/foo,                         BPF_PROG_TYPE_TRACING,                 BPF_MODIFY_RETURN,                  0,  false",
        "iter/task,                            BPF_PROG_TYPE_TRACING,                 BPF_TRACE_ITER,                     0,  false",
        "lsm/file_open,                        BPF_PROG_TYPE_LSM,                     BPF_LSM_MAC,                        0,  false",
        "lsm.s/file_open,                      BPF_PROG_TYPE_LSM,                     BPF_LSM_MAC,                        16, false",
        "lsm_cgroup/file_open,                 BPF_PROG_TYPE_LSM,                     BPF_LSM_CGROUP,                     0,  false",
        "socket,                               BPF_PROG_TYPE_SOCKET_FILTER,           ,                                   0,  false",
        "cgroup_skb/ingress,                   BPF_PROG_TYPE_CGROUP_SKB,              BPF_CGROUP_INET_INGRESS,            0,  false",
        "cgroup_skb/egress,                    BPF_PROG_TYPE_CGROUP_SKB,              BPF_CGROUP_INET_EGRESS,             0,  false",
        "cgroup/connect4,                      BPF_PROG_TYPE_CGROUP_SOCK_ADDR,        BPF_CGROUP_INET4_CONNECT,           0,  false",
        "kprobe/x,                             BPF_PROG_TYPE_KPROBE,                  ,                                   0,  false",
        "kretprobe/x,                          BPF_PROG_TYPE_KPROBE,                  ,                                   0,  false",
        "kprobe.multi/x,                       BPF_PROG_TYPE_KPROBE,                  BPF_TRACE_KPROBE_MULTI,             0,  false",
        "uprobe/bin:func,                      BPF_PROG_TYPE_KPROBE,                  ,                                   0,  false",
        "syscall,                              BPF_PROG_TYPE_SYSCALL,                 ,                                   16, false",
        "sk_reuseport/migrate,                 BPF_PROG_TYPE_SK_REUSEPORT,            BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, 0,  false",
        "sk_reuseport,                         BPF_PROG_TYPE_SK_REUSEPORT,            BPF_SK_REUSEPORT_SELECT,            0,  false",
        "sk_skb/stream_parser,                 BPF_PROG_TYPE_SK_SKB,                  BPF_SK_SKB_STREAM_PARSER,           0,  false",
        "sk_skb/other,                         BPF_PROG_TYPE_SK_SKB,                  ,                                   0,  false",
        "sk_lookup,                            BPF_PROG_TYPE_SK_LOOKUP,               BPF_SK_LOOKUP,                      0,  false",
        "netfilter,                            BPF_PROG_TYPE_NETFILTER,               ,                                   0,  false",
    })
    void knownSections(String section, ProgType type, AttachType attach, int flags, boolean legacy) {
        assertThat(SectionNames.classify(section)).contains(new SectionDef(type, attach, flags, legacy));
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "tracepointx", "tracepointx/a/b", "tpx/a", "kprobex", "fentryfoo", "socketx",
        "lsmfoo/x", "cgroup_skb", "cgroup_skb/other", "Xdp", " xdp", "", ".text", "license", ".maps", "maps",
        "syscall/x", "sk_lookup/x"})
    void unknownSections(String section) {
        assertThat(SectionNames.classify(section)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"xdp", "xdp.frags", "xdp/devmap", "xdp.frags/cpumap"})
    void libbpfXdpNamesAreNotLegacy(String section) {
        assertThat(SectionNames.classify(section).orElseThrow().legacy()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"xdp.frags", "xdp.frags/devmap", "xdp.frags/cpumap"})
    void onlyFragsNamesSetTheFragsFlag(String section) {
        assertThat(SectionNames.classify(section).orElseThrow().progFlags() & FRAGS).isEqualTo(FRAGS);
        String plain = section.replace(".frags", "");
        assertThat(SectionNames.classify(plain).orElseThrow().progFlags() & FRAGS).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fentry.s/f", "fexit.s/f", "fmod_ret.s/f", "lsm.s/f", "iter.s/f", "syscall", "struct_ops.s/f"})
    void sleepableNamesSetTheSleepableFlag(String section) {
        assertThat(SectionNames.classify(section).orElseThrow().progFlags()).isEqualTo(SLEEPABLE);
    }
}
