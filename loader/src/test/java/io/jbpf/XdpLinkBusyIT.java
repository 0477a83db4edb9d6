package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.link.IfAttached;
import io.jbpf.link.XdpBpfLink;
import io.jbpf.link.XdpBusyException;
import io.jbpf.link.XdpLink;
import io.jbpf.link.XdpMode;
import io.jbpf.testing.CliRun;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.NetNs;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TestEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When a bpf_link holds a device's XDP hook, --force cannot help: jbpf says a link holds it,
 * with the link's id and how to remove it, and attaches nothing. A netlink attachment still gets
 * the replace advice: in the library's words from the library, with --force from the CLI.
 */
class XdpLinkBusyIT {
    private TestEnv env;

    @BeforeEach
    void setUp() {
        Kernel.require();
        env = TestEnv.setup();
    }

    @AfterEach
    void tearDown() {
        if (env != null) {
            env.close();
        }
    }

    private CliRun jbpf(String... args) {
        return CliRun.in(env.xdpNs(), args);
    }

    @Test
    void aLinkHoldingTheDeviceIsNamedWithItsId() {
        try (BpfObject obj = BpfObject.load(Objects.path("xdp_pass.o"));
             XdpBpfLink link = NetNs.call(env.xdpNs(),
                     () -> XdpBpfLink.attach(obj.program("xdp_pass_func"), env.name, XdpMode.NATIVE))) {
            int progId = obj.program("xdp_pass_func").id();
            assertThat(Sh.run("bpftool", "link", "show", "id", String.valueOf(link.id())).out())
                    .as("bpftool sees the XDP link").contains("xdp", "prog " + progId);

            for (String[] args : new String[][] {
                    {"load", Objects.str("xdp_drop.o"), "--dev", env.name, "--force"},
                    {"load", Objects.str("xdp_drop.o"), "--dev", env.name}}) {
                CliRun r = jbpf(args);
                assertThat(r.exit()).as(r.err()).isEqualTo(1);
                assertThat(r.err()).contains("bpf_link", "link id " + link.id(), "program id " + progId,
                        "bpftool link detach id " + link.id(), "EBUSY").doesNotContain("--force");
                assertThat(env.ipLink()).as("still the link's program, nothing of jbpf's")
                        .contains("prog/xdp id " + progId).doesNotContain("xdp_drop");
            }
            CliRun unload = jbpf("unload", "--dev", env.name);
            assertThat(unload.exit()).as(unload.err()).isEqualTo(1);
            assertThat(unload.err()).contains("detach", "bpf_link", "link id " + link.id(),
                    "bpftool link detach id " + link.id());
            assertThat(env.ipLink()).as("unload could not take it").contains("prog/xdp id " + progId);
        }
        assertThat(env.ipLink()).as("closing the link detached it").doesNotContain("prog/xdp");
    }

    @Test
    void aNetlinkProgramGetsTheReplaceAdvice() {
        try (BpfObject obj = BpfObject.load(Objects.path("xdp_pass.o"));
             BpfObject other = BpfObject.load(Objects.path("xdp_drop.o"))) {
            XdpLink first = NetNs.call(env.xdpNs(),
                    () -> XdpLink.attach(obj.program("xdp_pass_func"), env.name, XdpMode.NATIVE, IfAttached.FAIL));
            try {
                assertThatThrownBy(() -> NetNs.call(env.xdpNs(),
                        () -> XdpLink.attach(other.program("xdp_drop_func"), env.name, XdpMode.NATIVE, IfAttached.FAIL)))
                        .isInstanceOf(XdpBusyException.class)
                        .hasMessageContaining("already has XDP program id " + first.progId())
                        .hasMessageContaining("IfAttached.REPLACE").hasMessageNotContaining("--force")
                        .satisfies(e -> assertThat(((XdpBusyException) e).linkId()).isZero());
                CliRun r = jbpf("load", Objects.str("xdp_drop.o"), "--dev", env.name);
                assertThat(r.exit()).isEqualTo(1);
                assertThat(r.err()).contains("already has XDP program id " + first.progId(), "use --force to replace it")
                        .doesNotContain("IfAttached.REPLACE");
            } finally {
                NetNs.call(env.xdpNs(), () -> {
                    first.close();
                    return null;
                });
            }
        }
    }
}
