package io.jbpf.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.BpfObject;
import io.jbpf.common.BpfException;
import io.jbpf.elf.ExecutableFile;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BPF cookies and places inside functions, on hooks/probe_uprobe.o and the test's own program
 * (hooks/user/probe_target.c, which no other process runs): one program on two functions with two
 * cookies counts each function apart, exactly; a uprobe at jpr_two+4 (options and section form)
 * counts jpr_two's calls; an offset past the function's end is refused naming it.
 */
class UprobeCookieIT {
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

    @Test
    void theProgramReadsTheCookieOfTheLinkThatFired() {
        int before = Fds.count();
        try (BpfObject obj = ProbeTarget.loadUprobes()) {
            try (UprobeLink one = UprobeLink.attach(obj.program("jpr_cookie"), ProbeTarget.PATH, UprobeTarget.function("jpr_one"),
                        UprobeOptions.ENTRY.withCookie(1));
                 UprobeLink three = UprobeLink.attach(obj.program("jpr_cookie"), ProbeTarget.PATH,
                        UprobeTarget.function("jpr_three"), UprobeOptions.ENTRY.withCookie(3))) {
                assertThat(one.options().cookie()).isEqualTo(1);
                assertThat(ProbeTarget.calls(4, 6, 9)).isEqualTo(ProbeTarget.expectedSum(4, 6, 9));
                long[] hits = hits(obj);
                assertThat(hits[1]).as("jpr_one, cookie 1").isEqualTo(4);
                assertThat(hits[3]).as("jpr_three, cookie 3").isEqualTo(9);
                assertThat(hits[0] + hits[2]).as("nothing else").isZero();
            }
            ProbeTarget.calls(4, 6, 9);
            assertThat(hits(obj)[1]).as("detached").isEqualTo(4);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    private static long[] hits(BpfObject obj) {
        return ProbeTarget.longs(obj.variable("hits").get());
    }

    @Test
    void aProbeInsideAFunctionFiresAtItsCallsInOptionsAndSectionForm() {
        ExecutableFile.Function two = ExecutableFile.read(ProbeTarget.PATH).function("jpr_two");
        assertThat(two.size()).as("probe_target.c writes jpr_two in 8 bytes").isEqualTo(8);
        try (BpfObject obj = ProbeTarget.loadUprobes()) {
            try (UprobeLink byOptions = UprobeLink.attach(obj.program("jpr_cookie"), ProbeTarget.PATH,
                    UprobeTarget.function("jpr_two", 4), UprobeOptions.ENTRY.withCookie(2))) {
                assertThat(byOptions.offset()).isEqualTo(two.offset() + 4);
                ProbeTarget.calls(1, 5, 1);
                assertThat(hits(obj)[2]).isEqualTo(5);
            }
            try (UprobeLink bySection = UprobeLink.attach(obj.program("jpr_at_offset"))) {
                assertThat(bySection.offset()).isEqualTo(two.offset() + 4);
                assertThat(bySection.binary()).isEqualTo(ProbeTarget.PATH);
                ProbeTarget.calls(2, 7, 3);
                assertThat(obj.variable("offset_hits").getLong()).isEqualTo(7);
            }
            try (UprobeLink byFileOffset = UprobeLink.attach(obj.program("jpr_cookie"), ProbeTarget.PATH,
                    UprobeTarget.fileOffset(two.offset() + 4), UprobeOptions.ENTRY.withCookie(4))) {
                ProbeTarget.calls(1, 3, 1);
                assertThat(hits(obj)[4]).isEqualTo(3);
            }
        }
    }

    @Test
    void anOffsetPastTheFunctionIsRefusedNamingItsSize() {
        try (BpfObject obj = ProbeTarget.loadUprobes()) {
            assertThatThrownBy(() -> UprobeLink.attach(obj.program("jpr_cookie"), ProbeTarget.PATH,
                    UprobeTarget.function("jpr_two", 0x10), UprobeOptions.ENTRY))
                    .isInstanceOf(BpfException.class)
                    .hasMessageContaining("offset 0x10 (16) is past the end of function 'jpr_two', which is 8 bytes long");
            assertThatThrownBy(() -> UprobeLink.attach(obj.program("jpr_cookie"), ProbeTarget.PATH,
                    UprobeTarget.function("jpr_two", 8), UprobeOptions.ENTRY))
                    .isInstanceOf(BpfException.class).hasMessageContaining("which is 8 bytes long");
        }
    }
}
