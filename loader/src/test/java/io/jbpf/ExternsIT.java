package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.ExternSpec;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Packets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * corpus/externs_ksym_kconfig.o: __kconfig values, a kfunc and an untyped __ksym resolved against
 * the running kernel. Expected values come from the kernel itself (uname, /proc/config.gz,
 * /proc/kallsyms), not from constants.
 */
class ExternsIT {
    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    @Test
    void kconfigKfuncAndKsymResolveToTheRunningKernel() throws IOException {
        BpfObjectSpec spec = BpfObjectSpec.read(Objects.path("corpus/externs_ksym_kconfig.o"));
        assertThat(spec.externs()).extracting(ExternSpec::name).contains("LINUX_KERNEL_VERSION", "CONFIG_HZ",
                "CONFIG_BPF_SYSCALL", "CONFIG_NET_CLS_BPF", "CONFIG_JBPF_NOT_A_REAL_OPTION", "bpf_dynptr_from_xdp", "_text");
        int before = Fds.count();
        try (BpfObject o = BpfObject.load(spec, LoadOptions.defaults())) {
            BpfProgram.TestRun r = o.program("xdp_externs").testRun(Packets.any64(), null, 1);
            assertThat(r.retval()).isEqualTo(2); // XDP_PASS

            String[] release = System.getProperty("os.version").split("[^0-9]+");
            long version = (Long.parseLong(release[0]) << 16) + (Long.parseLong(release[1]) << 8)
                    + Math.min(255, Long.parseLong(release[2]));
            assertThat(o.variable("kernel_version").getLong()).isEqualTo(version);
            assertThat(o.variable("hz").getLong()).isEqualTo(Long.parseLong(config("CONFIG_HZ")));
            assertThat(o.variable("bpf_syscall").getLong()).isEqualTo(config("CONFIG_BPF_SYSCALL").equals("y") ? 1 : 0);
            String clsBpf = config("CONFIG_NET_CLS_BPF");
            assertThat(o.variable("cls_bpf").getLong()).isEqualTo(clsBpf.equals("y") ? 1 : clsBpf.equals("m") ? 2 : 0);
            assertThat(o.variable("missing_option").getLong()).as("weak and absent reads 0").isZero();
            assertThat(o.variable("text_addr").getLong()).isEqualTo(kallsyms("_text"));
            assertThat(o.variable("dynptr_ret").getLong()).as("the kfunc ran and succeeded").isZero();
            assertThat(o.variable("bytes_12_15").getLong()).isEqualTo(0x41414141L);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    private static String config(String option) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(Path.of("/proc/config.gz"))), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(option + "=")) {
                    return line.substring(option.length() + 1);
                }
            }
        }
        return "n";
    }

    private static long kallsyms(String name) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/kallsyms"))) {
            String[] f = line.split("\\s+");
            if (f.length >= 3 && f[2].equals(name)) {
                return Long.parseUnsignedLong(f[0], 16);
            }
        }
        throw new AssertionError(name + " not in /proc/kallsyms");
    }
}
