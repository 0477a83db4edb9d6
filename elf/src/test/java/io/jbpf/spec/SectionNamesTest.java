package io.jbpf.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.ProgFlag;
import io.jbpf.uapi.ProgType;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SectionNamesTest {

    /** An empty attach column means "no expected attach type". */
    @ParameterizedTest(name = "{0} -> {1} {2} flags={3} legacy={4}")
    @CsvSource({
        "xdp,                                  XDP,                     XDP,                            0,  false",
        "xdp.frags,                            XDP,                     XDP,                            32, false",
        "xdp/devmap,                           XDP,                     XDP_DEVMAP,                     0,  false",
        "xdp/cpumap,                           XDP,                     XDP_CPUMAP,                     0,  false",
        "xdp.frags/devmap,                     XDP,                     XDP_DEVMAP,                     32, false",
        "xdp.frags/cpumap,                     XDP,                     XDP_CPUMAP,                     32, false",
        "xdp_pass,                             XDP,                     XDP,                            0,  true",
        "xdp_icmp_echo,                        XDP,                     XDP,                            0,  true",
        "xdp_legacy,                           XDP,                     XDP,                            0,  true",
        "xdp/foo,                              XDP,                     XDP,                            0,  true",
        "tc,                                   SCHED_CLS,               ,                                   0,  false",
        "tc/ingress,                           SCHED_CLS,               TCX_INGRESS,                    0,  false",
        "tc/egress,                            SCHED_CLS,               TCX_EGRESS,                     0,  false",
        "tcx/ingress,                          SCHED_CLS,               TCX_INGRESS,                    0,  false",
        "tcx/egress,                           SCHED_CLS,               TCX_EGRESS,                     0,  false",
        "tc/other,                             SCHED_CLS,               ,                                   0,  false",
        "classifier,                           SCHED_CLS,               ,                                   0,  false",
        "classifier/foo,                       SCHED_CLS,               ,                                   0,  false",
        "action,                               SCHED_ACT,               ,                                   0,  false",
        "tracepoint/syscalls/sys_enter_openat, TRACEPOINT,              ,                                   0,  false",
        "tp/x/y,                               TRACEPOINT,              ,                                   0,  false",
        "raw_tp/x,                             RAW_TRACEPOINT,          ,                                   0,  false",
        "raw_tracepoint/sched_switch,          RAW_TRACEPOINT,          ,                                   0,  false",
        "raw_tp.w/x,                           RAW_TRACEPOINT_WRITABLE, ,                                   0,  false",
        "tp_btf/sched_switch,                  TRACING,                 TRACE_RAW_TP,                   0,  false",
        "fentry/foo,                           TRACING,                 TRACE_FENTRY,                   0,  false",
        "fentry.s/foo,                         TRACING,                 TRACE_FENTRY,                   16, false",
        "fexit/foo,                            TRACING,                 TRACE_FEXIT,                    0,  false",
        "fmod_ret/foo,                         TRACING,                 MODIFY_RETURN,                  0,  false",
        "iter/task,                            TRACING,                 TRACE_ITER,                     0,  false",
        "lsm/file_open,                        LSM,                     LSM_MAC,                        0,  false",
        "lsm.s/file_open,                      LSM,                     LSM_MAC,                        16, false",
        "lsm_cgroup/file_open,                 LSM,                     LSM_CGROUP,                     0,  false",
        "socket,                               SOCKET_FILTER,           ,                                   0,  false",
        "cgroup_skb/ingress,                   CGROUP_SKB,              CGROUP_INET_INGRESS,            0,  false",
        "cgroup_skb/egress,                    CGROUP_SKB,              CGROUP_INET_EGRESS,             0,  false",
        "cgroup/connect4,                      CGROUP_SOCK_ADDR,        CGROUP_INET4_CONNECT,           0,  false",
        "kprobe/x,                             KPROBE,                  ,                                   0,  false",
        "kretprobe/x,                          KPROBE,                  ,                                   0,  false",
        "kprobe.multi/x,                       KPROBE,                  TRACE_KPROBE_MULTI,             0,  false",
        "uprobe/bin:func,                      KPROBE,                  ,                                   0,  false",
        "syscall,                              SYSCALL,                 ,                                   16, false",
        "sk_reuseport/migrate,                 SK_REUSEPORT,            SK_REUSEPORT_SELECT_OR_MIGRATE, 0,  false",
        "sk_reuseport,                         SK_REUSEPORT,            SK_REUSEPORT_SELECT,            0,  false",
        "sk_skb/stream_parser,                 SK_SKB,                  SK_SKB_STREAM_PARSER,           0,  false",
        "sk_skb/other,                         SK_SKB,                  ,                                   0,  false",
        "sk_lookup,                            SK_LOOKUP,               SK_LOOKUP,                      0,  false",
        "netfilter,                            NETFILTER,               NETFILTER,                      0,  false",
    })
    void knownSections(String section, ProgType type, AttachType attach, int flags, boolean legacy) {
        Set<ProgFlag> set = EnumSet.noneOf(ProgFlag.class);
        for (ProgFlag f : ProgFlag.values()) {
            if ((flags & f.value) != 0) {
                set.add(f);
            }
        }
        assertThat(SectionNames.classify(section)).contains(new SectionDef(type, attach, set, legacy));
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "tracepointx", "tracepointx/a/b", "tpx/a", "kprobex", "fentryfoo", "socketx",
        "lsmfoo/x", "cgroup_skb", "cgroup_skb/other", "Xdp", " xdp", "", ".text", "license", ".maps", "maps",
        "syscall/x", "sk_lookup/x", "tcx", "tcx/other", "tcxfoo"})
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
        assertThat(SectionNames.classify(section).orElseThrow().progFlags()).containsExactly(ProgFlag.XDP_HAS_FRAGS);
        String plain = section.replace(".frags", "");
        assertThat(SectionNames.classify(plain).orElseThrow().progFlags()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fentry.s/f", "fexit.s/f", "fmod_ret.s/f", "lsm.s/f", "iter.s/f", "syscall", "struct_ops.s/f"})
    void sleepableNamesSetTheSleepableFlag(String section) {
        assertThat(SectionNames.classify(section).orElseThrow().progFlags()).containsExactly(ProgFlag.SLEEPABLE);
        assertThat(ProgFlag.toBits(SectionNames.classify(section).orElseThrow().progFlags())).isEqualTo(1 << 4);
    }
}
