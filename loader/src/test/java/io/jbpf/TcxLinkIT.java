package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.link.TcDirection;
import io.jbpf.link.TcxLink;
import io.jbpf.link.TcxPosition;
import io.jbpf.link.XdpAttach;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.NetNs;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TcNet;
import io.jbpf.uapi.LinkType;
import io.jbpf.uapi.ProgType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TCX links (Linux 6.6+) on a veth whose peer pings it: a dropping program stops the pings, the
 * link update swaps in a passing one, closing detaches; positions order several programs, as the
 * kernel's own list (BPF_PROG_QUERY) and their counters show; a pinned link outlives close and
 * BPF_LINK_DETACH ends it. Counters count only ICMP echo requests, so they equal the pings sent.
 */
class TcxLinkIT {
    private static final int DROP = 0;
    private static final int PASS = 1;
    private static final int TCX_DROP = 2;
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

    private TcxLink attach(BpfProgram prog, TcDirection direction, TcxPosition position) {
        return NetNs.call(net.ns, () -> TcxLink.attach(prog, net.dev, direction, position));
    }

    private List<TcxLink.Attached> query(TcDirection direction) {
        return NetNs.call(net.ns, () -> TcxLink.query(net.dev, direction));
    }

    @Test
    void dropThenUpdateToPassThenCloseRestoresPings() {
        int fdsBefore = Fds.count();
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/tc_icmp.o"))) {
            BpfProgram drop = obj.program("tc_drop_icmp");
            BpfProgram pass = obj.program("tc_pass_icmp");
            BpfMap counts = obj.map("tc_icmp_counts");
            int ifindex = NetNs.call(net.ns, () -> XdpAttach.ifindex(net.dev));
            try (TcxLink link = attach(drop, TcDirection.INGRESS, TcxPosition.LAST)) {
                assertThat(net.ping(3)).as("ingress drop program answers no ping").isZero();
                assertThat(TcNet.counter(counts, DROP)).isEqualTo(3);
                assertThat(link.info()).isEqualTo(new KernelInfo.Link(link.id(), LinkType.TCX, drop.id(), ifindex, null));
                assertThat(link.direction()).isEqualTo(TcDirection.INGRESS);
                assertThat(query(TcDirection.INGRESS)).containsExactly(new TcxLink.Attached(drop.id(), link.id()));
                assertThat(query(TcDirection.EGRESS)).isEmpty();
                assertThat(Sh.run("bpftool", "link", "show", "id", String.valueOf(link.id())).out())
                        .as("bpftool 7.1 prints the tcx link type as a number").contains("type 11", "prog " + drop.id());

                link.update(pass);
                assertThat(net.ping(3)).as("after the update the passing program runs").isEqualTo(3);
                assertThat(TcNet.counter(counts, PASS)).isEqualTo(3);
                assertThat(TcNet.counter(counts, DROP)).isEqualTo(3);
                assertThat(query(TcDirection.INGRESS)).as("same link, new program")
                        .containsExactly(new TcxLink.Attached(pass.id(), link.id()));
            }
            assertThat(query(TcDirection.INGRESS)).as("closing the link detached it").isEmpty();
            assertThat(net.ping(2)).isEqualTo(2);
            assertThat(TcNet.counter(counts, PASS)).as("no program runs any more").isEqualTo(3);
        }
        assertThat(Fds.count()).as("no fd left behind").isEqualTo(fdsBefore);
    }

    @Test
    void positionsOrderThePrograms() {
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/tc_icmp.o"))) {
            BpfProgram drop = obj.program("tcx_drop_icmp");
            BpfProgram next = obj.program("tcx_next_icmp");
            assertThat(drop.type()).as("section tcx/ingress").isEqualTo(ProgType.SCHED_CLS);
            BpfMap counts = obj.map("tc_icmp_counts");
            try (TcxLink dropLink = attach(drop, TcDirection.INGRESS, TcxPosition.LAST)) {
                try (TcxLink first = attach(next, TcDirection.INGRESS, TcxPosition.FIRST)) {
                    assertThat(query(TcDirection.INGRESS)).containsExactly(new TcxLink.Attached(next.id(), first.id()),
                            new TcxLink.Attached(drop.id(), dropLink.id()));
                    assertThat(net.ping(2)).isZero();
                    assertThat(TcNet.counter(counts, TCX_NEXT)).as("runs first, returns TCX_NEXT").isEqualTo(2);
                    assertThat(TcNet.counter(counts, TCX_DROP)).as("then the dropping one").isEqualTo(2);
                }
                try (TcxLink after = attach(next, TcDirection.INGRESS, TcxPosition.after(dropLink))) {
                    assertThat(query(TcDirection.INGRESS)).containsExactly(new TcxLink.Attached(drop.id(), dropLink.id()),
                            new TcxLink.Attached(next.id(), after.id()));
                    assertThat(net.ping(2)).isZero();
                    assertThat(TcNet.counter(counts, TCX_DROP)).isEqualTo(4);
                    assertThat(TcNet.counter(counts, TCX_NEXT)).as("after the drop it sees nothing").isEqualTo(2);
                }
                try (TcxLink before = attach(next, TcDirection.INGRESS, TcxPosition.before(drop))) {
                    assertThat(query(TcDirection.INGRESS)).extracting(TcxLink.Attached::linkId)
                            .containsExactly(before.id(), dropLink.id());
                }
            }
            try (BpfObject other = BpfObject.load(Objects.path("hooks/tc_icmp.o"))) {
                BpfProgram notThere = other.program("tc_pass_icmp");
                assertThatThrownBy(() -> attach(next, TcDirection.INGRESS, TcxPosition.after(notThere)))
                        .isInstanceOf(BpfException.class)
                        .hasMessageContaining("after program tc_pass_icmp is not attached to " + net.dev + " ingress")
                        .hasMessageContaining("ENOENT");
            }
            assertThat(query(TcDirection.INGRESS)).isEmpty();
        }
    }

    @Test
    void egressSeesWhatTheDeviceSends() {
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/tc_icmp.o"))) {
            BpfMap counts = obj.map("tc_icmp_counts");
            // On egress the echo requests are the ones this side sends: ping the peer from here.
            try (TcxLink link = attach(obj.program("tc_pass_icmp"), TcDirection.EGRESS, TcxPosition.LAST)) {
                assertThat(pingPeer(2)).contains("2 received");
                assertThat(TcNet.counter(counts, PASS)).as("exactly the requests sent").isEqualTo(2);
                assertThat(net.ping(2)).isEqualTo(2);
                assertThat(TcNet.counter(counts, PASS)).as("the peer's requests come in, not out").isEqualTo(2);
                assertThat(query(TcDirection.EGRESS)).containsExactly(new TcxLink.Attached(link.info().progId(), link.id()));
                assertThat(query(TcDirection.INGRESS)).isEmpty();
            }
            try (TcxLink link = attach(obj.program("tc_drop_icmp"), TcDirection.EGRESS, TcxPosition.LAST)) {
                // ping retries a send the qdisc layer refused (ENOBUFS), so the drop count is not exact here.
                assertThat(pingPeer(2)).contains(" 0 received");
                assertThat(TcNet.counter(counts, DROP)).isGreaterThanOrEqualTo(2);
            }
            assertThat(pingPeer(1)).contains("1 received");
        }
    }

    private String pingPeer(int count) {
        return Sh.run("ip", "netns", "exec", net.ns, "ping", "-n", "-q", "-c", String.valueOf(count), "-i", "0.2", "-W", "1",
                net.peerAddr).out();
    }

    @Test
    void pinnedLinkOutlivesCloseUntilDetached() throws Exception {
        Path dir = Path.of("/sys/fs/bpf/" + net.ns);
        Files.createDirectories(dir);
        Path pin = dir.resolve("tcx_link");
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/tc_icmp.o"))) {
            BpfProgram drop = obj.program("tc_drop_icmp");
            int id;
            try (TcxLink link = attach(drop, TcDirection.INGRESS, TcxPosition.LAST)) {
                link.pin(pin);
                id = link.id();
            }
            assertThat(net.ping(2)).as("the pin keeps it attached").isZero();
            try (TcxLink opened = NetNs.call(net.ns, () -> TcxLink.fromPin(pin))) {
                assertThat(opened.id()).isEqualTo(id);
                assertThat(opened.direction()).isEqualTo(TcDirection.INGRESS);
                assertThat(opened.device()).as("named in the namespace that asks").isEqualTo(net.dev);
                opened.detach();
                assertThat(net.ping(2)).as("BPF_LINK_DETACH ends it though it is pinned").isEqualTo(2);
                assertThat(opened.info().ifindex()).as("a detached link reports no device").isZero();
                assertThat(query(TcDirection.INGRESS)).isEmpty();
                assertThatThrownBy(() -> opened.update(drop)).isInstanceOf(BpfException.class)
                        .hasMessageContaining("detached").hasMessageContaining("ENOLINK");
                opened.unpin();
            }
            assertThat(pin).doesNotExist();
            assertThatThrownBy(() -> TcxLink.fromId(id)).as("gone with its last reference")
                    .isInstanceOf(BpfException.class).hasMessageContaining("link id " + id);
        } finally {
            Files.deleteIfExists(pin);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void programsOtherThanSchedClsAreRefused() {
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/tc_xdp_meta.o"))) {
            BpfProgram xdp = obj.program("xdp_tag_echo");
            assertThatThrownBy(() -> attach(xdp, TcDirection.INGRESS, TcxPosition.LAST))
                    .isInstanceOf(BpfException.class)
                    .hasMessageContaining("program xdp_tag_echo is BPF_PROG_TYPE_XDP")
                    .hasMessageContaining("TCX runs only BPF_PROG_TYPE_SCHED_CLS programs");
            assertThat(query(TcDirection.INGRESS)).isEmpty();
        }
    }
}
