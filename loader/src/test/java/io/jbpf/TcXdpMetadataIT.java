package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.link.ClsBpfFilter;
import io.jbpf.link.Link;
import io.jbpf.link.TcDirection;
import io.jbpf.link.TcxLink;
import io.jbpf.link.XdpBpfLink;
import io.jbpf.link.XdpMode;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.NetNs;
import io.jbpf.testing.Objects;
import io.jbpf.testing.TcNet;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * XDP and tc on one device, passing data through XDP metadata: the XDP program tags each echo
 * request with bpf_xdp_adjust_meta, the tc program (through TCX, or as a clsact filter) drops
 * tagged ones. Pings pass with either program alone and are dropped with both, and the counters
 * equal the pings sent, tagged or not.
 */
class TcXdpMetadataIT {
    private static final int TAGGED_BY_XDP = 0;
    private static final int DROPPED_TAGGED = 1;
    private static final int SEEN_UNTAGGED = 2;

    /** The two ways to attach the tc program. */
    enum TcMode {
        TCX(p -> TcxLink.attach(p.prog, p.dev, TcDirection.INGRESS)),
        CLSACT(p -> ClsBpfFilter.attach(p.prog, p.dev, TcDirection.INGRESS));

        final Function<Target, Link> attach;

        TcMode(Function<Target, Link> attach) {
            this.attach = attach;
        }
    }

    record Target(BpfProgram prog, String dev) {
    }

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

    @ParameterizedTest
    @EnumSource(TcMode.class)
    void tcSeesTheTagXdpWrote(TcMode mode) {
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/tc_xdp_meta.o"))) {
            BpfMap counts = obj.map("tc_meta_counts");
            BpfProgram xdp = obj.program("xdp_tag_echo");
            Target tc = new Target(obj.program("tc_drop_tagged"), net.dev);
            try (Link tcLink = NetNs.call(net.ns, () -> mode.attach.apply(tc))) {
                assertThat(net.ping(2)).as("tc alone: no tag, pings pass").isEqualTo(2);
                assertThat(TcNet.counter(counts, SEEN_UNTAGGED)).isEqualTo(2);
                try (XdpBpfLink xdpLink = NetNs.call(net.ns, () -> XdpBpfLink.attach(xdp, net.dev, XdpMode.NATIVE))) {
                    assertThat(net.ping(3)).as("XDP tags, tc drops").isZero();
                    assertThat(TcNet.counter(counts, TAGGED_BY_XDP)).isEqualTo(3);
                    assertThat(TcNet.counter(counts, DROPPED_TAGGED)).isEqualTo(3);
                    assertThat(TcNet.counter(counts, SEEN_UNTAGGED)).isEqualTo(2);
                }
                assertThat(net.ping(1)).as("XDP gone: untagged again").isEqualTo(1);
                assertThat(TcNet.counter(counts, SEEN_UNTAGGED)).isEqualTo(3);
            }
            try (XdpBpfLink xdpLink = NetNs.call(net.ns, () -> XdpBpfLink.attach(xdp, net.dev, XdpMode.NATIVE))) {
                assertThat(net.ping(2)).as("XDP alone: the tag harms nobody").isEqualTo(2);
                assertThat(TcNet.counter(counts, TAGGED_BY_XDP)).isEqualTo(5);
                assertThat(TcNet.counter(counts, DROPPED_TAGGED)).as("no tc program ran").isEqualTo(3);
            }
        }
    }
}
