package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.Background;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TestEnv;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * testenv's side of the xdp-tutorial's loader lessons: {@code t load} without an object where there
 * is none says what to give, {@code --filename} names one; {@code t setup --vlan}. The lessons
 * themselves (basic04's pinned maps reused by a reload included) are walked in XdpTutorialBasicIT.
 */
class XdpTutorialLoaderIT {
    @TempDir
    Path lesson;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    @Test
    void withoutAnObjectHereLoadSaysWhatToGive() throws Exception {
        try (TestEnv env = TestEnv.setup()) {
            Sh.Result load = env.tIn(lesson, "load", "--", "-F", "--progsec", "xdp_pass");
            assertThat(load.exit()).isEqualTo(1);
            assertThat(load.err()).contains("no object named: give OBJ or --filename OBJ (found 0 *.o files in " + lesson);
            Sh.Result byName = env.tIn(lesson, "load", "--", "-F", "--filename", Objects.path("xdp_pass.o").toString(), "-S");
            assertThat(byName.exit()).as(byName.all()).isZero();
            assertThat(byName.out()).contains("(skb mode)");
            assertThat(env.ipLink()).contains("prog/xdp");
        }
    }

    /**
     * {@code t dump} (xdpdump's place in the lessons): jbpf dump on the environment's device, in its
     * XDP netns; the pcapng it writes while the peer pings holds exactly the echo requests, and the
     * program the lesson loaded is back on the device afterwards.
     */
    @Test
    void dumpWritesWhatTheLessonsProgramSees() throws Exception {
        try (TestEnv env = TestEnv.setup("--legacy-ip")) {
            Sh.Result load = env.tIn(lesson, "load", "--", "-F", "--filename", Objects.path("xdp_pass.o").toString());
            assertThat(load.exit()).as(load.all()).isZero();
            String before = env.ipLink().replaceAll("(?s).*(prog/xdp id \\d+).*", "$1");
            // The peer's ARP entry first, so that the capture holds the echo requests only.
            assertThat(env.ping(1, true)).isEqualTo(1);
            Path pcap = lesson.resolve("x.pcap");
            Background dump = env.background("listening on " + env.name, "dump", "-w", pcap.toString(), "--count", "3");
            assertThat(env.ping(3, true)).isEqualTo(3);
            String out = dump.output(30);
            assertThat(dump.exit()).as("t dump ends by itself after --count 3: " + out).isZero();
            Sh.Result read = Sh.run("tcpdump", "-nn", "-r", pcap.toString());
            assertThat(read.out().strip().split("\n")).hasSize(3)
                    .allSatisfy(l -> assertThat(l).contains("> " + env.info("IP4_XDP") + ": ICMP echo request"));
            assertThat(env.ipLink()).as("the lesson's program is back").contains(before);
        }
    }

    /**
     * {@code t setup --vlan} (packet02's VLAN lessons): VLANs 1 and 2 on both ends, each pinged over
     * its own addresses. This host's kernel has no 802.1Q (CONFIG_VLAN_8021Q unset): setup says so
     * and leaves nothing; the second kernel has it.
     */
    @Test
    @Tag("vm")
    void setupVlanGivesTwoVlansOrSaysTheKernelHasNone() throws Exception {
        String vlan = Kernel.config("CONFIG_VLAN_8021Q");
        if (vlan.equals("n")) {
            String name = "jtv" + ProcessHandle.current().pid() % 100000;
            Sh.Result r = Sh.run(TestEnv.script(), "setup", "-n", name, "--vlan");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("this kernel has no 802.1Q VLANs (CONFIG_VLAN_8021Q");
            assertThat(Path.of("/run/netns", name)).doesNotExist();
            assertThat(Path.of("/run/netns", name + "-xdp")).doesNotExist();
            return;
        }
        try (TestEnv env = TestEnv.setup("--legacy-ip", "--vlan")) {
            for (String id : new String[] {"1", "2"}) {
                Sh.Result v6 = env.t("ping", "--vlan", id, "-c", "2");
                assertThat(v6.exit()).as(v6.all()).isZero();
                assertThat(v6.out()).containsPattern("fc00:dead:cafe:" + id + "\\d{3}::1");
                Sh.Result v4 = env.t("ping", "--legacy-ip", "--vlan", id, "-c", "2");
                assertThat(v4.exit()).as(v4.all()).isZero();
                assertThat(v4.out()).contains("10.2" + id + "1.");
            }
            Sh.Result link = Sh.run("ip", "-n", env.xdpNs(), "-d", "link", "show", "dev", env.name + ".2");
            assertThat(link.out()).contains("vlan protocol 802.1Q id 2");
        }
    }
}
