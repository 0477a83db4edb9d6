package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.ExternSpec;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Packets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

            assertThat(o.variable("kernel_version").getLong()).isEqualTo(Kernel.versionCode());
            assertThat(o.variable("hz").getLong()).isEqualTo(Long.parseLong(Kernel.config("CONFIG_HZ")));
            assertThat(o.variable("bpf_syscall").getLong()).isEqualTo(Kernel.config("CONFIG_BPF_SYSCALL").equals("y") ? 1 : 0);
            String clsBpf = Kernel.config("CONFIG_NET_CLS_BPF");
            assertThat(o.variable("cls_bpf").getLong()).isEqualTo(clsBpf.equals("y") ? 1 : clsBpf.equals("m") ? 2 : 0);
            assertThat(o.variable("missing_option").getLong()).as("weak and absent reads 0").isZero();
            assertThat(o.variable("text_addr").getLong()).isEqualTo(kallsyms("_text"));
            assertThat(o.variable("dynptr_ret").getLong()).as("the kfunc ran and succeeded").isZero();
            assertThat(o.variable("bytes_12_15").getLong()).isEqualTo(0x41414141L);
        }
        assertThat(Fds.count()).isEqualTo(before);
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
