package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.link.IfAttached;
import io.jbpf.link.Link;
import io.jbpf.link.XdpBpfLink;
import io.jbpf.link.XdpLink;
import io.jbpf.link.XdpMode;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.NetNs;
import io.jbpf.testing.Objects;
import io.jbpf.testing.TcNet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Replacing a running XDP program loses no packet: 200 pings 10 ms apart while two passing
 * programs are swapped back and forth, through a bpf_link update (BPF_LINK_UPDATE) and over netlink
 * (XDP_FLAGS_REPLACE with the expected program). Every ping is answered, and the two programs'
 * counts add up to exactly 200, so every request met one of them.
 */
@Tag("vm")
class XdpAtomicReplaceIT {
    private static final int PINGS = 200;

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

    @Test
    void linkUpdateUnderPing() throws Exception {
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/tc_xdp_swap.o"));
             XdpBpfLink link = NetNs.call(net.ns, () -> XdpBpfLink.attach(obj.program("xdp_count_a"), net.dev,
                     XdpMode.NATIVE))) {
            swapUnderPing(obj, link);
        }
    }

    @Test
    void netlinkReplaceUnderPing() {
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/tc_xdp_swap.o"))) {
            XdpLink link = NetNs.call(net.ns, () -> XdpLink.attach(obj.program("xdp_count_a"), net.dev, XdpMode.NATIVE,
                    IfAttached.FAIL));
            try {
                // Netlink requests go to the calling thread's namespace: swap from inside it.
                NetNs.call(net.ns, () -> {
                    swapUnderPing(obj, link);
                    return null;
                });
            } finally {
                NetNs.call(net.ns, () -> {
                    link.close();
                    return null;
                });
            }
        }
    }

    private void swapUnderPing(BpfObject obj, Link link) throws Exception {
        BpfProgram a = obj.program("xdp_count_a");
        BpfProgram b = obj.program("xdp_count_b");
        BpfMap counts = obj.map("xdp_swap_counts");
        CompletableFuture<Integer> received = CompletableFuture.supplyAsync(() -> net.ping(PINGS, "0.01"));
        int swaps = 0;
        Thread.sleep(200);
        while (!received.isDone()) {
            link.update(swaps % 2 == 0 ? b : a);
            swaps++;
            Thread.sleep(15);
        }
        int replies = received.get(60, TimeUnit.SECONDS);
        long countA = TcNet.counter(counts, 0);
        long countB = TcNet.counter(counts, 1);
        assertThat(swaps).as("swapped many times while pinging").isGreaterThan(20);
        assertThat(replies).as("0% loss").isEqualTo(PINGS);
        assertThat(countA + countB).as("every request met a program (a %d, b %d)", countA, countB).isEqualTo(PINGS);
        assertThat(countA).isPositive();
        assertThat(countB).isPositive();
    }
}
