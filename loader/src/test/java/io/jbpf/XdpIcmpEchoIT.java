package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TestEnv;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end acceptance: with the kernel's echo replies off, pings are answered only
 * once {@code jbpf load} has attached xdp_icmp_echo, and no longer after {@code jbpf unload}.
 */
@Tag("vm")
class XdpIcmpEchoIT {
    private static final int N = 5;
    private static TestEnv env;

    @BeforeAll
    static void setUp() {
        Kernel.require();
        env = TestEnv.setup("--legacy-ip", "--no-echo");
    }

    @AfterAll
    static void tearDown() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void xdpIcmpEchoAnswersPingsCountsThemAndStopsAfterUnload() {
        assertThat(env.ping(2, false)).as("kernel echo replies are off").isZero();
        assertThat(env.ping(2, true)).as("kernel echo replies are off (IPv4)").isZero();

        Sh.Result load = env.jbpf("load", Objects.str("xdp_icmp_echo.o"), "--dev", env.name, "--section", "xdp_icmp_echo");
        assertThat(load.exit()).as(load.all()).isZero();
        assertThat(load.out()).contains("xdp_icmp_echo_func", "native mode");

        assertThat(env.ping(N, false)).as("IPv6 replies from XDP").isEqualTo(N);
        assertThat(env.ping(N, true)).as("IPv4 replies from XDP").isEqualTo(N);

        Sh.Result dump = env.jbpf("map", "dump", "--dev", env.name, "--map", "xdp_stats_map", "--json");
        assertThat(dump.exit()).as(dump.all()).isZero();
        assertThat(totalPackets(dump.out(), 3)).as("XDP_TX packets in %s", dump.out()).isEqualTo(2 * N);

        Sh.Result status = env.jbpf("status", "--dev", env.name, "--json");
        assertThat(status.exit()).as(status.all()).isZero();
        Matcher st = Pattern.compile("\"mode\":\"(\\w+)\",\"prog_id\":(\\d+),\"prog_name\":\"([^\"]*)\"").matcher(status.out());
        assertThat(st.find()).as(status.out()).isTrue();
        String ipLink = env.ipLink();
        Matcher ip = Pattern.compile("prog/xdp id (\\d+)").matcher(ipLink);
        assertThat(ip.find()).as(ipLink).isTrue();
        assertThat(st.group(2)).as("jbpf status and ip link agree on the prog id").isEqualTo(ip.group(1));
        assertThat(st.group(1)).isEqualTo("native");
        assertThat(ipLink).contains(" xdp qdisc").doesNotContain("xdpgeneric");
        assertThat(st.group(3)).isEqualTo("xdp_icmp_echo_f");
        Sh.Result human = env.jbpf("status");
        assertThat(human.out()).contains(env.name, "native", ip.group(1), "xdp_icmp_echo_f");

        Sh.Result unload = env.jbpf("unload", "--dev", env.name);
        assertThat(unload.exit()).as(unload.all()).isZero();
        assertThat(unload.out()).contains("Detached prog id " + ip.group(1));
        assertThat(env.ipLink()).doesNotContain("prog/xdp");
        assertThat(env.ping(2, false)).as("no replies after unload").isZero();
        assertThat(env.ping(2, true)).as("no replies after unload (IPv4)").isZero();
    }

    /** Sum over CPUs of rx_packets for array index {@code key}, from {@code jbpf map dump --json}. */
    static long totalPackets(String json, int key) {
        Matcher m = Pattern.compile("\\{\"key\":" + key + ",\"values\":\\[[^\\]]*\\],\"total\":\\{\"rx_packets\":(\\d+)")
                .matcher(json);
        if (!m.find()) {
            throw new AssertionError("no total for key " + key + " in " + json);
        }
        return Long.parseLong(m.group(1));
    }
}
