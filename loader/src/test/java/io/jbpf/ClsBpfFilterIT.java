package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.link.ClsBpfFilter;
import io.jbpf.link.ClsBpfOptions;
import io.jbpf.link.IfAttached;
import io.jbpf.link.TcDirection;
import io.jbpf.link.TcxLink;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.NetNs;
import io.jbpf.testing.Objects;
import io.jbpf.testing.TcNet;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.LinkType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * clsact + cls_bpf direct-action filters made over jbpf's own rtnetlink messages, checked from
 * outside with {@code tc filter show} and {@code bpftool net}, and by pings from the peer: a
 * dropping filter stops them, replacing it in place lets them through, closing deletes it. Closing
 * happens on the test thread, outside the namespace the filter was made in.
 */
class ClsBpfFilterIT {
    private static final int DROP = 0;
    private static final int PASS = 1;
    private static final int TCX_NEXT = 3;

    private TcNet net;

    @BeforeEach
    void setUp() {
        Kernel.require();
        net = TcNet.setup();
    }

    @AfterEach
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    private ClsBpfFilter attach(BpfProgram prog, TcDirection direction, ClsBpfOptions options) {
        return NetNs.call(net.ns, () -> ClsBpfFilter.attach(prog, net.dev, direction, options));
    }

    private List<ClsBpfFilter.Info> list(TcDirection direction) {
        return NetNs.call(net.ns, () -> ClsBpfFilter.list(net.dev, direction));
    }

    @Test
    void dropThenReplaceInPlaceThenCloseDeletes() {
        int fdsBefore = Fds.count();
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/tc_icmp.o"))) {
            BpfProgram drop = obj.program("tc_drop_icmp");
            BpfProgram pass = obj.program("tc_pass_icmp");
            BpfMap counts = obj.map("tc_icmp_counts");
            assertThat(list(TcDirection.INGRESS)).as("no clsact qdisc yet: nothing, and no error").isEmpty();
            ClsBpfOptions at = ClsBpfOptions.DEFAULTS.withPriority(10).withHandle(1).withName("jtc_drop");
            try (ClsBpfFilter filter = attach(drop, TcDirection.INGRESS, at)) {
                assertThat(filter.priority()).isEqualTo(10);
                assertThat(filter.handle()).isEqualTo(1);
                assertThat(net.ping(3)).as("the filter drops the pings").isZero();
                assertThat(TcNet.counter(counts, DROP)).isEqualTo(3);
                assertThat(net.filters("ingress")).contains("pref 10 bpf chain 0 handle 0x1 jtc_drop direct-action",
                        "id " + drop.id() + " name tc_drop_icmp");
                assertThat(net.bpftool("net")).contains(net.dev + "(").contains("clsact/ingress jtc_drop id " + drop.id());
                assertThat(list(TcDirection.INGRESS)).containsExactly(new ClsBpfFilter.Info(net.dev, TcDirection.INGRESS,
                        10, 1, "jtc_drop", drop.id(), drop.tag(), true));
                assertThat(filter.info()).isEqualTo(new KernelInfo.Link(0, LinkType.UNSPEC, drop.id(),
                        filter.info().ifindex(), null));
                assertThat(filter.info().ifindex()).isPositive();

                assertThatThrownBy(() -> attach(pass, TcDirection.INGRESS, at)).isInstanceOf(BpfException.class)
                        .hasMessageContaining("a filter is there already (bpf filter jtc_drop, program id " + drop.id())
                        .hasMessageContaining("IfAttached.REPLACE")
                        .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.EEXIST));
                assertThatThrownBy(() -> filter.pin(Path.of("/sys/fs/bpf/" + net.ns))).isInstanceOf(BpfException.class)
                        .hasMessageContaining("no bpf_link to pin").hasMessageContaining("TcxLink.attach");

                filter.update(pass);
                assertThat(filter.progId()).isEqualTo(pass.id());
                assertThat(net.ping(3)).as("replaced in place by the passing program").isEqualTo(3);
                assertThat(TcNet.counter(counts, PASS)).isEqualTo(3);
                assertThat(net.filters("ingress")).contains("pref 10 bpf chain 0 handle 0x1 jtc_drop direct-action",
                        "id " + pass.id() + " name tc_pass_icmp").doesNotContain("id " + drop.id());
            }
            assertThat(list(TcDirection.INGRESS)).as("close deleted it").isEmpty();
            assertThat(net.filters("ingress")).doesNotContain("bpf");
            assertThat(net.tc("qdisc", "show", "dev", net.dev)).as("the qdisc stays").contains("qdisc clsact ffff:");
            assertThat(net.ping(2)).isEqualTo(2);
        }
        assertThat(Fds.count()).as("the filter's netlink socket is closed too").isEqualTo(fdsBefore);
    }

    @Test
    void kernelPicksPriorityAndHandleAndCloseSparesAReplacement() {
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/tc_icmp.o"))) {
            BpfProgram drop = obj.program("tc_drop_icmp");
            BpfProgram pass = obj.program("tc_pass_icmp");
            try (ClsBpfFilter first = attach(pass, TcDirection.EGRESS, ClsBpfOptions.DEFAULTS);
                 ClsBpfFilter second = attach(pass, TcDirection.EGRESS, ClsBpfOptions.DEFAULTS)) {
                assertThat(first.priority()).as("the kernel's first pick").isEqualTo(49152);
                assertThat(second.priority()).as("then one less").isEqualTo(49151);
                assertThat(first.handle()).isEqualTo(1);
                assertThat(net.filters("egress")).contains("pref 49152 bpf chain 0 handle 0x1 tc_pass_icmp",
                        "pref 49151 bpf chain 0 handle 0x1 tc_pass_icmp");
                assertThat(list(TcDirection.EGRESS)).extracting(ClsBpfFilter.Info::priority).containsExactly(49151, 49152);
                assertThat(list(TcDirection.INGRESS)).isEmpty();

                // Someone else replaces the first filter: closing the first link must leave theirs alone.
                try (ClsBpfFilter theirs = attach(drop, TcDirection.EGRESS, ClsBpfOptions.DEFAULTS.withPriority(49152)
                        .withHandle(1).withIfAttached(IfAttached.REPLACE))) {
                    assertThat(net.filters("egress")).contains("id " + drop.id());
                    assertThatThrownBy(() -> first.update(pass)).isInstanceOf(BpfException.class)
                            .hasMessageContaining("runs program id " + drop.id() + " there now, not this link's");
                    first.close();
                    assertThat(list(TcDirection.EGRESS)).extracting(ClsBpfFilter.Info::progId).contains(drop.id());
                }
                assertThat(list(TcDirection.EGRESS)).extracting(ClsBpfFilter.Info::priority).containsExactly(49151);
            }
            assertThat(list(TcDirection.EGRESS)).isEmpty();
        }
    }

    @Test
    void filtersAddedByTcAreListedAndDetached() {
        net.tc("qdisc", "add", "dev", net.dev, "clsact");
        net.tc("filter", "add", "dev", net.dev, "ingress", "pref", "7", "handle", "3", "bpf", "da", "obj",
                Objects.str("hooks/tc_icmp.o"), "sec", "tc");
        List<ClsBpfFilter.Info> found = list(TcDirection.INGRESS);
        assertThat(found).hasSize(1);
        ClsBpfFilter.Info f = found.get(0);
        assertThat(f.priority()).isEqualTo(7);
        assertThat(f.handle()).isEqualTo(3);
        assertThat(f.name()).isEqualTo("tc_icmp.o:[tc]");
        assertThat(f.directAction()).isTrue();
        assertThat(net.filters("ingress")).contains("id " + f.progId(), "tag " + f.tag());
        assertThat(net.ping(1)).as("tc loaded the first program of section tc: the dropping one").isZero();
        NetNs.call(net.ns, () -> {
            ClsBpfFilter.detach(net.dev, TcDirection.INGRESS, 7, 3);
            return null;
        });
        assertThat(list(TcDirection.INGRESS)).isEmpty();
        assertThat(net.ping(1)).isEqualTo(1);
        assertThatThrownBy(() -> NetNs.call(net.ns, () -> {
            ClsBpfFilter.detach(net.dev, TcDirection.INGRESS, 7, 3);
            return null;
        })).isInstanceOf(BpfException.class).hasMessageContaining("priority 7 handle 0x3").hasMessageContaining("ENOENT");
    }

    @Test
    void tcxNextHandsPacketsOnToTheClsactFilters() {
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/tc_icmp.o"))) {
            BpfMap counts = obj.map("tc_icmp_counts");
            try (TcxLink next = NetNs.call(net.ns, () -> TcxLink.attach(obj.program("tcx_next_icmp"), net.dev,
                    TcDirection.INGRESS));
                 ClsBpfFilter drop = attach(obj.program("tc_drop_icmp"), TcDirection.INGRESS, ClsBpfOptions.DEFAULTS)) {
                assertThat(net.ping(2)).isZero();
                assertThat(TcNet.counter(counts, TCX_NEXT)).as("TCX runs first").isEqualTo(2);
                assertThat(TcNet.counter(counts, DROP)).as("then the clsact filter, which drops").isEqualTo(2);
            }
            assertThat(net.ping(1)).isEqualTo(1);
        }
    }

    @Test
    void schedActProgramsAreRefusedWithTheReason() {
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/tc_act.o"))) {
            BpfProgram act = obj.program("act_pass");
            assertThatThrownBy(() -> attach(act, TcDirection.INGRESS, ClsBpfOptions.DEFAULTS))
                    .isInstanceOf(BpfException.class)
                    .hasMessageContaining("program act_pass is BPF_PROG_TYPE_SCHED_ACT")
                    .hasMessageContaining("this kernel has no act_bpf (CONFIG_NET_ACT_BPF)")
                    .hasMessageContaining("\"Failed to load TC action module\"")
                    .hasMessageContaining("direct-action cls_bpf filter (ClsBpfFilter.attach)")
                    .hasMessageContaining("ENOENT");
            assertThatThrownBy(() -> NetNs.call(net.ns, () -> TcxLink.attach(act, net.dev, TcDirection.INGRESS)))
                    .isInstanceOf(BpfException.class).hasMessageContaining("not as TCX")
                    .hasMessageContaining("no act_bpf");
            assertThat(net.tc("qdisc", "show", "dev", net.dev)).as("nothing was set up").doesNotContain("clsact");
        }
    }
}
