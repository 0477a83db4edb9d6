package io.jbpf;

import io.jbpf.uapi.Errno;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How a verifier log is trimmed into the exception's message (no kernel: logs written here). */
class VerifierExceptionTest {
    @Test
    void aShortLogIsShownWholeWithoutBlankLines() {
        String log = "0: R1=ctx() R10=fp0\n\n0: (b7) r0 = 0\n1: (95) exit\nR0 !read_ok\n\n";
        VerifierException e = new VerifierException("x.o: section xdp, program p: the verifier rejected the program",
                Errno.EACCES, log);
        assertThat(e.getMessage()).startsWith("x.o: section xdp, program p: the verifier rejected the program; verifier log:\n")
                .contains("  | 0: (b7) r0 = 0\n  | 1: (95) exit\n  | R0 !read_ok\n  rejected")
                .doesNotContain("last").doesNotContain("|  \n");
        assertThat(e.log()).isEqualTo(log);
        assertThat(e.errno()).isEqualTo(Errno.EACCES);
    }

    @Test
    void aLongLogShowsItsLastLinesAndSaysHowManyThereWere() {
        String log = IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));
        VerifierException e = new VerifierException("w", Errno.EINVAL, log);
        assertThat(e.getMessage()).contains("(last " + VerifierException.TAIL_LINES + " of 100 lines)")
                .contains("  | line 81\n").contains("  | line 100\n").doesNotContain("line 80\n");
        assertThat(e.log()).as("the whole log stays available").contains("line 1\n");
    }

    @Test
    void noLogIsSaidPlainly() {
        assertThat(new VerifierException("w", Errno.EINVAL, "  \n").getMessage()).contains("the kernel gave no verifier log");
        assertThat(new VerifierException("w", Errno.EINVAL, null).getMessage()).contains("the kernel gave no verifier log");
    }
}
