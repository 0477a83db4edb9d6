package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.link.NetfilterLink;
import io.jbpf.link.NetfilterLink.Hook;
import io.jbpf.link.NetfilterLink.Options;
import io.jbpf.link.NetfilterLink.Protocol;
import io.jbpf.testing.Fds;
import io.jbpf.testing.JskNet;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.uapi.LinkType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * hooks/netfilter_drop.o on a netfilter link at IPv4 LOCAL_IN of a throw-away namespace: pings
 * to it fail while the link is open, each one counted, and pass again after close.
 */
class NetfilterLinkIT {
    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    @Test
    void dropsPingsToTheNamespaceWhileAttached() {
        int before = Fds.count();
        try (JskNet net = JskNet.create(); BpfObject obj = BpfObject.load(Objects.path("hooks/netfilter_drop.o"))) {
            BpfProgram prog = obj.program("nf_drop");
            assertThat(JskNet.ping(net.a, JskNet.B_IP, 2)).as("pings pass before").isEqualTo(2);
            Options where = new Options(Protocol.IPV4, Hook.LOCAL_IN, -128);
            try (NetfilterLink link = NetfilterLink.attach(prog, where, JskNet.path(net.b))) {
                assertThat(JskNet.ping(net.a, JskNet.B_IP, 3)).as("pings dropped at LOCAL_IN of " + net.b).isZero();
                assertThat(obj.variable("nf_dropped").getLong()).as("one run per echo request").isEqualTo(3);
                assertThat(link.kernelOptions()).isEqualTo(where);
                assertThat(link.info().type()).isEqualTo(LinkType.NETFILTER);
                assertThat(link.info().progId()).isEqualTo(prog.id());
                Sh.Result bt = Sh.run("bpftool", "link", "show", "id", String.valueOf(link.id()), "-j");
                assertThat(bt.out()).as(bt.all()).contains("\"prog_id\":" + prog.id());
                assertThatThrownBy(() -> link.update(prog)).isInstanceOf(BpfException.class)
                        .hasMessageContaining("cannot swap the program of a netfilter link");
                assertThat(JskNet.ping(net.a, JskNet.A_IP, 1)).as("namespace " + net.a + " is not hooked").isEqualTo(1);
            }
            assertThat(JskNet.ping(net.a, JskNet.B_IP, 2)).as("pings pass after close").isEqualTo(2);
            assertThat(obj.variable("nf_dropped").getLong()).isEqualTo(3);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void refusesOtherProgramTypesAndReservedPriorities() {
        try (BpfObject xdp = BpfObject.load(Objects.path("xdp_pass.o"))) {
            assertThatThrownBy(() -> NetfilterLink.attach(xdp.program("xdp_pass_func"),
                    new Options(Protocol.IPV4, Hook.LOCAL_IN, 0)))
                    .isInstanceOf(BpfException.class).hasMessageContaining("BPF_PROG_TYPE_NETFILTER");
        }
        assertThatThrownBy(() -> new Options(Protocol.IPV6, Hook.FORWARD, Integer.MIN_VALUE))
                .isInstanceOf(BpfException.class).hasMessageContaining("reserved");
    }
}
