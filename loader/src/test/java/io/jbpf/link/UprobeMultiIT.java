package io.jbpf.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.BpfObject;
import io.jbpf.common.BpfException;
import io.jbpf.elf.ExecutableFile;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Sh;
import io.jbpf.uapi.LinkType;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * uprobe_multi links (Linux 6.6+) on the test's own program (hooks/user/probe_target.c, which no
 * other process runs): one link on its three functions counts each function's calls exactly
 * (told apart by per-place cookies), a uretprobe_multi link sees every return value, a pid filter
 * for another process sees nothing, and the glob section form finds the functions in the file.
 */
class UprobeMultiIT {
    @BeforeAll
    static void target() {
        Kernel.require();
        ProbeTarget.build();
    }

    @AfterAll
    static void removeTarget() throws Exception {
        ProbeTarget.delete();
    }

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static final List<UprobeTarget> THREE = List.of(UprobeTarget.function("jpr_one"),
            UprobeTarget.function("jpr_two"), UprobeTarget.function("jpr_three"));

    @Test
    void oneLinkCountsEachFunctionsCallsExactly() {
        int before = Fds.count();
        try (BpfObject obj = ProbeTarget.loadUprobes()) {
            try (UprobeMultiLink link = UprobeMultiLink.attach(obj.program("jpr_multi"), ProbeTarget.PATH, THREE,
                    UprobeMultiOptions.ENTRY.withCookies(1, 2, 3))) {
                ExecutableFile file = ExecutableFile.read(ProbeTarget.PATH);
                assertThat(link.offsets()).containsExactly(file.function("jpr_one").offset(),
                        file.function("jpr_two").offset(), file.function("jpr_three").offset());
                assertThat(link.info().type()).isEqualTo(LinkType.UPROBE_MULTI);
                Sh.Result show = Sh.run("bpftool", "link", "show", "id", String.valueOf(link.info().id()), "-j");
                assertThat(show.out()).contains("\"prog_id\":" + link.info().progId());
                assertThat(ProbeTarget.calls(3, 5, 7)).isEqualTo(ProbeTarget.expectedSum(3, 5, 7));
                long[] hits = ProbeTarget.longs(obj.variable("multi_hits").get());
                assertThat(hits).containsExactly(0, 3, 5, 7, 0, 0, 0, 0);
            }
            ProbeTarget.calls(3, 5, 7);
            assertThat(ProbeTarget.longs(obj.variable("multi_hits").get())[1]).as("detached").isEqualTo(3);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void aUretprobeMultiLinkSeesEveryReturnValue() {
        try (BpfObject obj = ProbeTarget.loadUprobes();
             UprobeMultiLink link = UprobeMultiLink.attach(obj.program("jpr_multi_ret"), ProbeTarget.PATH, THREE,
                     UprobeMultiOptions.RETURN)) {
            assertThat(link.options().kind()).isEqualTo(ProbeKind.RETURN);
            long sum = ProbeTarget.calls(10, 20, 30);
            assertThat(obj.variable("multi_returns").getLong()).isEqualTo(60);
            assertThat(obj.variable("multi_return_sum").getLong()).isEqualTo(sum).isEqualTo(ProbeTarget.expectedSum(10, 20, 30));
        }
    }

    /** The kernel's pid filter: probes for this JVM do not see the target program's calls. */
    @Test
    void aPidFilterSeesOnlyThatProcess() {
        int self = (int) ProcessHandle.current().pid();
        try (BpfObject obj = ProbeTarget.loadUprobes();
             UprobeMultiLink link = UprobeMultiLink.attach(obj.program("jpr_multi"), ProbeTarget.PATH, THREE,
                     UprobeMultiOptions.ENTRY.withCookies(1, 2, 3).forPid(self))) {
            ProbeTarget.calls(3, 5, 7);
            assertThat(ProbeTarget.longs(obj.variable("multi_hits").get())).containsOnly(0);
        }
    }

    @Test
    void theSectionsGlobIsResolvedFromTheFile() {
        try (BpfObject obj = ProbeTarget.loadUprobes();
             UprobeMultiLink link = UprobeMultiLink.attach(obj.program("jpr_multi_glob"))) {
            // jpr_t* matches jpr_three and jpr_two, in name order.
            assertThat(link.targets()).containsExactly(UprobeTarget.function("jpr_three"), UprobeTarget.function("jpr_two"));
            ProbeTarget.calls(3, 5, 7);
            assertThat(obj.variable("glob_hits").getLong()).isEqualTo(12);
        }
    }

    @Test
    void badInputIsRefusedClearly() {
        try (BpfObject obj = ProbeTarget.loadUprobes()) {
            assertThatThrownBy(() -> UprobeMultiLink.attach(obj.program("jpr_cookie"), ProbeTarget.PATH, THREE,
                    UprobeMultiOptions.ENTRY)).isInstanceOf(BpfException.class)
                    .hasMessageContaining("not a uprobe.multi program").hasMessageContaining("SEC(\"uprobe.multi\")");
            assertThatThrownBy(() -> UprobeMultiLink.attach(obj.program("jpr_multi"), ProbeTarget.PATH, THREE,
                    UprobeMultiOptions.ENTRY.withCookies(1, 2))).isInstanceOf(BpfException.class)
                    .hasMessageContaining("2 cookies for 3 targets");
            assertThatThrownBy(() -> UprobeMultiLink.attachMatching(obj.program("jpr_multi"), ProbeTarget.PATH, "nope_*",
                    UprobeMultiOptions.ENTRY)).isInstanceOf(BpfException.class)
                    .hasMessageContaining("no function matches 'nope_*'");
            assertThatThrownBy(() -> UprobeMultiLink.attach(obj.program("jpr_multi"))).isInstanceOf(BpfException.class)
                    .hasMessageContaining("uprobe.multi/<path>:<pattern>");
            assertThatThrownBy(() -> UprobeLink.attach(obj.program("jpr_multi_glob"))).isInstanceOf(BpfException.class)
                    .hasMessageContaining("UprobeMultiLink.attach");
            try (UprobeMultiLink link = UprobeMultiLink.attach(obj.program("jpr_multi"), ProbeTarget.PATH, THREE,
                    UprobeMultiOptions.ENTRY)) {
                assertThatThrownBy(() -> link.update(obj.program("jpr_multi_ret"))).isInstanceOf(BpfException.class)
                        .hasMessageContaining("cannot swap the program of a uprobe_multi link");
            }
        }
    }
}
