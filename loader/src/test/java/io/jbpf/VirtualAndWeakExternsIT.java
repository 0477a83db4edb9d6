package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Packets;
import io.jbpf.testing.Sh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * corpus/externs_virtual_weak.o: libbpf's virtual __kconfig externs (computed, not read from the
 * config) and __weak kfunc/__ksym externs the kernel lacks. Each expected value comes from the
 * kernel by another route: uname, bpftool's own helper probe, /proc/kallsyms, vmlinux BTF.
 */
class VirtualAndWeakExternsIT {
    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    @Test
    void virtualKconfigAndMissingWeakExternsResolveAsLibbpfDoes() throws IOException {
        int before = Fds.count();
        try (BpfObject o = BpfObject.load(BpfObjectSpec.read(Objects.path("corpus/externs_virtual_weak.o")),
                LoadOptions.defaults())) {
            BpfProgram.TestRun r = o.program("xdp_virtual_weak").testRun(Packets.any64(), null, 1);
            assertThat(r.retval()).isEqualTo(2); // XDP_PASS

            assertThat(o.variable("kernel_version").getLong()).isEqualTo(Kernel.versionCode());
            assertThat(o.variable("has_cookie").getLong()).as("LINUX_HAS_BPF_COOKIE")
                    .isEqualTo(bpftoolSaysTracepointsHave("bpf_get_attach_cookie") ? 1 : 0);
            assertThat(o.variable("has_wrapper").getLong()).as("LINUX_HAS_SYSCALL_WRAPPER")
                    .isEqualTo(kallsymsHas("__x64_sys_bpf") ? 1 : 0);

            assertThat(o.variable("missing_kfunc_exists").getLong()).as("a missing weak kfunc's address is 0").isZero();
            assertThat(o.variable("missing_kfunc_ret").getLong()).as("its guarded call never ran").isEqualTo(7);
            assertThat(o.variable("missing_ksym_addr").getLong()).as("missing weak typed __ksym").isZero();
            assertThat(o.variable("missing_untyped_addr").getLong()).as("missing weak untyped __ksym").isZero();
            assertThat(o.variable("present_kfunc_exists").getLong()).as("a weak kfunc the kernel has").isEqualTo(1);
            assertThat(o.variable("present_kfunc_ret").getLong()).as("bpf_dynptr_from_xdp ran").isZero();
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    private static boolean bpftoolSaysTracepointsHave(String helper) {
        Sh.Result r = Sh.run("bpftool", "feature", "probe", "kernel", "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        int list = r.out().indexOf("\"tracepoint_available_helpers\"");
        assertThat(list).as("bpftool probed tracepoint helpers").isPositive();
        return r.out().substring(list, r.out().indexOf(']', list)).contains("\"" + helper + "\"");
    }

    private static boolean kallsymsHas(String name) throws IOException {
        try (var lines = Files.lines(Path.of("/proc/kallsyms"))) {
            return lines.anyMatch(l -> l.split("\\s+").length >= 3 && l.split("\\s+")[2].equals(name));
        }
    }
}
