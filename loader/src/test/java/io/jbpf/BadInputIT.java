package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.CliRun;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.TestEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input ends in a message naming what was wrong, a non-zero exit, no fd left open in
 * this JVM, and nothing attached to the device. The CLI runs in-process, in the test netns.
 */
class BadInputIT {
    private static TestEnv env;

    @TempDir
    Path tmp;

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

    private static CliRun jbpf(String... args) {
        return CliRun.in(env.xdpNs(), args);
    }

    /** Runs a load that must fail, and checks the exit code, message, fds and device. */
    private void failsCleanly(int exit, String[] args, String... message) {
        jbpf("status"); // warm up: class loading and the native library may open files once
        int before = Fds.count();
        CliRun r = jbpf(args);
        assertThat(r.exit()).as("exit code of %s: %s", Arrays.toString(args), r.err()).isEqualTo(exit);
        assertThat(r.err()).contains(message);
        assertThat(Fds.count()).as("fds after %s", Arrays.toString(args)).isEqualTo(before);
        assertThat(env.ipLink()).as("nothing attached").doesNotContain("prog/xdp");
    }

    @Test
    void notAnElfFile() throws IOException {
        Path f = Files.writeString(tmp.resolve("hello.o"), "hello, not an object\n");
        failsCleanly(1, new String[] {"load", f.toString(), "--dev", env.name}, f.toString(), "not an ELF file");
    }

    @Test
    void truncatedElf() throws IOException {
        byte[] whole = Files.readAllBytes(Objects.path("xdp_pass.o"));
        Path f = Files.write(tmp.resolve("cut.o"), Arrays.copyOf(whole, whole.length / 2));
        failsCleanly(1, new String[] {"load", f.toString(), "--dev", env.name}, f.toString(), "truncated");
    }

    @Test
    void elfForAnotherMachine() {
        failsCleanly(1, new String[] {"load", "/bin/true", "--dev", env.name}, "/bin/true", "x86-64", "not BPF");
    }

    @Test
    void unknownSection() {
        failsCleanly(1, new String[] {"load", Objects.str("xdp_icmp_echo.o"), "--dev", env.name, "--section", "xdp_nope"},
                "xdp_icmp_echo.o", "no program section 'xdp_nope'", "program sections: xdp_icmp_echo");
    }

    @Test
    void unknownDevice() {
        failsCleanly(1, new String[] {"load", Objects.str("xdp_pass.o"), "--dev", "nosuchdev0"},
                "device 'nosuchdev0' not found", "ENODEV");
    }

    @Test
    void verifierRejection() {
        failsCleanly(1, new String[] {"load", Objects.str("xdp_verifier_reject.o"), "--dev", env.name},
                "xdp_verifier_reject.o", "program xdp_verifier_reject_func", "verifier rejected",
                "invalid access to packet", "EACCES");
    }

    @Test
    void missingDeviceIsAUsageError() {
        failsCleanly(2, new String[] {"load", Objects.str("xdp_pass.o")}, "Missing required option", "--dev");
    }

    @Test
    void objectWithoutProgramsHasNothingToAttach() {
        failsCleanly(1, new String[] {"load", Objects.str("corpus/maps_only.o"), "--dev", env.name},
                "maps_only.o: the object has no programs (only maps: only_map)", env.name);
        failsCleanly(1, new String[] {"load", Objects.str("corpus/maps_only.o"), "--dev", env.name, "--section", "xdp"},
                "no program section 'xdp'; the object has no programs");
    }

    @Test
    void unloadWithNothingAttached() {
        failsCleanly(1, new String[] {"unload", "--dev", env.name}, "has no XDP program attached");
    }
}
