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
import org.junit.jupiter.api.Test;

/** xdp_drop drops, xdp_pass passes, in native and skb mode; a second load needs --force. */
class XdpModesIT {
    private static TestEnv env;

    @BeforeAll
    static void setUp() {
        Kernel.require();
        env = TestEnv.setup();
    }

    @AfterAll
    static void tearDown() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void dropAndPassInNativeAndSkbModeAndNoSilentReplace() {
        assertThat(env.ping(2, false)).as("kernel answers with no XDP program").isEqualTo(2);

        Sh.Result drop = env.jbpf("load", Objects.str("xdp_drop.o"), "--dev", env.name, "--mode", "native");
        assertThat(drop.exit()).as(drop.all()).isZero();
        int dropId = progId();
        assertThat(env.ipLink()).contains(" xdp qdisc");
        assertThat(env.ping(3, false)).as("xdp_drop drops").isZero();
        Sh.Result dump = env.jbpf("map", "dump", "--dev", env.name, "--map", "xdp_stats_map", "--json");
        assertThat(XdpIcmpEchoIT.totalPackets(dump.out(), 1)).as("XDP_DROP count").isGreaterThanOrEqualTo(3);

        Sh.Result second = env.jbpf("load", Objects.str("xdp_pass.o"), "--dev", env.name);
        assertThat(second.exit()).isEqualTo(1);
        assertThat(second.err()).contains("already has XDP program id " + dropId, "--force", "EBUSY");
        assertThat(progId()).as("the first program stays").isEqualTo(dropId);

        Sh.Result forced = env.jbpf("load", Objects.str("xdp_pass.o"), "--dev", env.name, "-F");
        assertThat(forced.exit()).as(forced.all()).isZero();
        assertThat(progId()).isNotEqualTo(dropId);
        assertThat(env.ping(3, false)).as("xdp_pass passes").isEqualTo(3);

        Sh.Result mixed = env.jbpf("load", Objects.str("xdp_drop.o"), "--dev", env.name, "--mode", "skb", "--force");
        assertThat(mixed.exit()).isEqualTo(1);
        assertThat(mixed.err()).as("the kernel's own extack text").contains("Native and generic XDP can't be active at the same time");

        assertThat(env.jbpf("unload", "--dev", env.name).exit()).isZero();
        Sh.Result skb = env.jbpf("load", Objects.str("xdp_drop.o"), "--dev", env.name, "--mode", "skb");
        assertThat(skb.exit()).as(skb.all()).isZero();
        assertThat(env.ipLink()).contains("xdpgeneric");
        Sh.Result status = env.jbpf("status", "--dev", env.name, "--json");
        assertThat(status.out()).contains("\"mode\":\"skb\"", "\"prog_id\":" + progId());
        assertThat(env.ping(3, false)).as("xdp_drop drops in skb mode").isZero();

        // The xdp-tutorial spelling of the same command.
        Sh.Result tutorial = env.jbpf("load", Objects.str("xdp_pass.o"), "-d", env.name, "--mode", "skb", "-F", "--progsec", "xdp");
        assertThat(tutorial.exit()).as(tutorial.all()).isZero();
        assertThat(env.ping(3, false)).as("xdp_pass passes in skb mode").isEqualTo(3);

        assertThat(env.jbpf("unload", "-d", env.name).exit()).isZero();
        assertThat(env.ipLink()).doesNotContain("prog/xdp");
        assertThat(env.ping(2, false)).isEqualTo(2);
    }

    private static int progId() {
        Matcher m = Pattern.compile("prog/xdp id (\\d+)").matcher(env.ipLink());
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
