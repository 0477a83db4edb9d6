package io.jbpf.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.BpfObject;
import io.jbpf.common.BpfException;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.uapi.LinkType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kprobe_multi links (hooks/probe_kprobe.o), which need fprobes (CONFIG_FPROBE) as well as BPF
 * kprobe programs. Whether the kernel has them is read here independently: fprobe's
 * register_fprobe in /proc/kallsyms, the kprobe PMU in sysfs. Where it has them, one link on
 * getppid and getpgid counts this thread's calls of each exactly (cookies given out of name order,
 * so they must travel with their functions when sorted) and the glob section form finds getppid;
 * elsewhere attaching says which part the kernel lacks: kprobes on the development machine,
 * fprobes in Debian's 6.1 guest.
 */
@Tag("vm")
class KprobeMultiIT {
    private static final long SYS_GETPPID = 110;
    private static final long SYS_GETPGID = 121;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static boolean kernelHasFprobes() throws IOException {
        try (var lines = Files.lines(Path.of("/proc/kallsyms"))) {
            return lines.anyMatch(l -> l.endsWith(" register_fprobe"));
        }
    }

    private static void assertRefused(Runnable attach, String program) {
        var refused = assertThatThrownBy(attach::run).isInstanceOf(BpfException.class)
                .hasMessageContaining("attach program " + program).hasMessageContaining("kprobe_multi on ");
        if (KprobeIT.kernelHasKprobes()) {
            refused.hasMessageContaining("this kernel has no fprobes (CONFIG_FPROBE)");
        } else {
            refused.hasMessageContaining("this kernel has no kprobes (CONFIG_KPROBES)");
        }
    }

    @Test
    void oneLinkCountsEachFunctionsCallsExactlyOrTheKernelSaysWhatItLacks() throws Exception {
        int before = Fds.count();
        List<String> functions = List.of("__x64_sys_getppid", "__x64_sys_getpgid");
        KprobeMultiOptions options = KprobeMultiOptions.ENTRY.withCookies(1, 2);
        try (BpfObject obj = KprobeIT.load("hooks/probe_kprobe.o")) {
            if (!kernelHasFprobes()) {
                assertRefused(() -> KprobeMultiLink.attach(obj.program("jpr_kmulti"), functions, options), "jpr_kmulti");
                assertRefused(() -> KprobeMultiLink.attach(obj.program("jpr_kmulti_glob")), "jpr_kmulti_glob");
            } else {
                try (KprobeMultiLink link = KprobeMultiLink.attach(obj.program("jpr_kmulti"), functions, options)) {
                    assertThat(link.info().type()).isEqualTo(LinkType.KPROBE_MULTI);
                    KprobeIT.call(SYS_GETPPID, 7);
                    KprobeIT.call(SYS_GETPGID, 4);
                    assertThat(ProbeTarget.longs(obj.variable("multi_hits").get())).containsExactly(0, 7, 4, 0, 0, 0, 0, 0);
                }
                KprobeIT.call(SYS_GETPPID, 2);
                assertThat(ProbeTarget.longs(obj.variable("multi_hits").get())[1]).as("detached").isEqualTo(7);
                try (KprobeMultiLink glob = KprobeMultiLink.attach(obj.program("jpr_kmulti_glob"))) {
                    assertThat(glob.functions()).containsExactly("__do_sys_getppid");
                    KprobeIT.call(SYS_GETPPID, 9);
                    assertThat(obj.variable("glob_hits").getLong()).isEqualTo(9);
                }
            }
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    /**
     * Globs resolve against the kernel's functions (tracefs's traceable list, else kallsyms) on any
     * kernel. The traceable list names one symbol per address: on 6.1 __do_sys_getppid and not its
     * alias __x64_sys_getppid, so the globs here match names both lists have.
     */
    @Test
    void globsResolveAgainstTheKernelsFunctions() {
        assertThat(KprobeMultiLink.functionsMatching("__do_sys_getpp?d")).containsExactly("__do_sys_getppid");
        assertThat(KprobeMultiLink.functionsMatching("*_sys_getppid")).contains("__do_sys_getppid").isSorted();
        assertThatThrownBy(() -> KprobeMultiLink.functionsMatching("jpr_no_such_kernel_function*"))
                .isInstanceOf(BpfException.class).hasMessageContaining("no kernel function in");
    }

    @Test
    void badInputIsRefusedClearly() {
        try (BpfObject obj = KprobeIT.load("hooks/probe_kprobe.o")) {
            assertThatThrownBy(() -> KprobeMultiLink.attach(obj.program("jpr_kprobe"), List.of("__x64_sys_getppid"),
                    KprobeMultiOptions.ENTRY)).isInstanceOf(BpfException.class)
                    .hasMessageContaining("not a kprobe.multi program");
            assertThatThrownBy(() -> KprobeMultiLink.attach(obj.program("jpr_kmulti"), List.of("__x64_sys_getppid"),
                    KprobeMultiOptions.ENTRY.withCookies(1, 2))).isInstanceOf(BpfException.class)
                    .hasMessageContaining("2 cookies for 1 functions");
            assertThatThrownBy(() -> KprobeMultiLink.attach(obj.program("jpr_kmulti"))).isInstanceOf(BpfException.class)
                    .hasMessageContaining("kprobe.multi/<pattern>");
            assertThatThrownBy(() -> KprobeLink.attach(obj.program("jpr_kmulti_glob"))).isInstanceOf(BpfException.class)
                    .hasMessageContaining("KprobeMultiLink.attach");
        }
    }
}
