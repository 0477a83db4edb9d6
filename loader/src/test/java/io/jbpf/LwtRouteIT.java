package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.link.LwtRoute;
import io.jbpf.testing.Fds;
import io.jbpf.testing.JskNet;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import java.net.InetAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * hooks/lwt_xmit_drop.o on a /32 route to the peer in a throw-away namespace: pings to the peer
 * go through the route's BPF encapsulation, which counts and drops them; closing deletes the route,
 * and the connected /24 route carries the pings again.
 */
class LwtRouteIT {
    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static String route(JskNet net) {
        return JskNet.in(net.a, "ip", "route", "show", JskNet.B_IP + "/32").out().trim();
    }

    @Test
    void xmitProgramDropsWhatTheRouteCarries() throws Exception {
        int before = Fds.count();
        try (JskNet net = JskNet.create(); BpfObject obj = BpfObject.load(Objects.path("hooks/lwt_xmit_drop.o"))) {
            assertThat(JskNet.ping(net.a, JskNet.B_IP, 2)).as("pings pass before").isEqualTo(2);
            LwtRoute.Route to = new LwtRoute.Route(InetAddress.getByName(JskNet.B_IP), 32, "va");
            try (LwtRoute r = LwtRoute.attach(obj.program("lwt_drop"), to, JskNet.path(net.a))) {
                assertThat(route(net)).as("ip route sees the BPF encap")
                        .contains("encap bpf xmit lwt_drop").contains("dev va");
                assertThat(JskNet.ping(net.a, JskNet.B_IP, 3)).as("pings dropped by lwt_xmit").isZero();
                assertThat(obj.variable("xmitted").getLong()).as("one run per echo request").isEqualTo(3);
                assertThat(r.info().progId()).isEqualTo(obj.program("lwt_drop").id());
                assertThatThrownBy(() -> r.update(obj.program("lwt_out_pass"))).isInstanceOf(BpfException.class)
                        .hasMessageContaining("BPF_PROG_TYPE_LWT_XMIT");
                assertThatThrownBy(() -> r.pin(Path.of("/sys/fs/bpf/jsk_lwt"))).isInstanceOf(BpfException.class)
                        .hasMessageContaining("no bpf_link to pin");
            }
            assertThat(route(net)).as("close deletes the route").isEmpty();
            assertThat(JskNet.ping(net.a, JskNet.B_IP, 2)).as("pings pass after close").isEqualTo(2);
            assertThat(obj.variable("xmitted").getLong()).isEqualTo(3);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void updateReplacesTheRouteProgramAndSlotsMustMatch() throws Exception {
        try (JskNet net = JskNet.create(); BpfObject obj = BpfObject.load(Objects.path("hooks/lwt_xmit_drop.o"))) {
            LwtRoute.Route to = new LwtRoute.Route(InetAddress.getByName(JskNet.B_IP), 32, "va");
            try (LwtRoute r = LwtRoute.attach(obj.program("lwt_out_pass"), to, JskNet.path(net.a))) {
                assertThat(route(net)).contains("encap bpf out lwt_out_pass");
                assertThat(JskNet.ping(net.a, JskNet.B_IP, 2)).as("lwt_out passes").isEqualTo(2);
                assertThatThrownBy(() -> LwtRoute.attach(obj.program("lwt_drop"), to, JskNet.path(net.a)))
                        .isInstanceOf(BpfException.class).hasMessageContaining("has a route to");
            }
            assertThat(route(net)).isEmpty();
        }
    }
}
