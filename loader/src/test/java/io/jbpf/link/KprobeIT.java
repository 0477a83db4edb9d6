package io.jbpf.link;

import static io.jbpf.testing.TraceTarget.le64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.BpfObject;
import io.jbpf.LoadOptions;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.LibC;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * hooks/probe_kprobe.o on syscalls the JVM makes nowhere else (getppid, getpgid, sync), counting
 * only the test's thread (its pid_tgid): where the kernel has kprobes (the kprobe PMU or tracefs
 * kprobe_events, looked at here independently; the 6.1 guest) the probes count exactly the calls
 * the test makes, each link's cookie tells them apart, and nothing counts once detached; where it
 * has neither (the development machine) attaching says the kernel has no kprobes.
 */
@Tag("vm")
class KprobeIT {
    private static final long SYS_GETPPID = 110;
    private static final long SYS_GETPGID = 121;
    private static final long SYS_SYNC = 162;
    private static final long SYS_GETTID = 186;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    static boolean kernelHasKprobes() {
        return Files.exists(Path.of("/sys/bus/event_source/devices/kprobe"))
                || Files.exists(Path.of("/sys/kernel/tracing/kprobe_events"));
    }

    /** The object, counting this thread only: the value bpf_get_current_pid_tgid() gives it. */
    static BpfObject load(String file) {
        long pid = ProcessHandle.current().pid();
        long tid = LibC.syscall(SYS_GETTID, 0, 0, 0);
        return BpfObject.load(BpfObjectSpec.read(Objects.path(file)).withVariable("target_pid_tgid", le64(pid << 32 | tid)),
                LoadOptions.defaults());
    }

    static void call(long syscall, int times) {
        for (int i = 0; i < times; i++) {
            LibC.syscall(syscall, 0, 0, 0);
        }
    }

    private static void assertNoKprobes(Runnable attach, String program, String function) {
        assertThatThrownBy(attach::run)
                .isInstanceOf(BpfException.class)
                .hasMessageContaining("attach program " + program)
                .hasMessageContaining("kernel function " + function)
                .hasMessageContaining("this kernel has no kprobes (CONFIG_KPROBES)");
    }

    @Test
    void aKprobeAndAKretprobeCountExactlyTheThreadsCalls() {
        int before = Fds.count();
        try (BpfObject obj = load("hooks/probe_kprobe.o")) {
            if (!kernelHasKprobes()) {
                assertNoKprobes(() -> KprobeLink.attach(obj.program("jpr_kprobe")), "jpr_kprobe", "__x64_sys_getppid");
                assertNoKprobes(() -> KprobeLink.attach(obj.program("jpr_kretprobe")), "jpr_kretprobe", "__x64_sys_getppid");
            } else {
                long ppid = ProcessHandle.current().parent().orElseThrow().pid();
                try (KprobeLink entry = KprobeLink.attach(obj.program("jpr_kprobe"));
                     KprobeLink exit = KprobeLink.attach(obj.program("jpr_kretprobe"))) {
                    assertThat(entry.function()).isEqualTo("__x64_sys_getppid");
                    assertThat(exit.kind()).isEqualTo(ProbeKind.RETURN);
                    call(SYS_GETPPID, 50);
                    assertThat(obj.variable("entries").getLong()).isEqualTo(50);
                    assertThat(obj.variable("returns").getLong()).isEqualTo(50);
                    assertThat(obj.variable("return_sum").getLong()).isEqualTo(50 * ppid);
                }
                call(SYS_GETPPID, 5);
                assertThat(obj.variable("entries").getLong()).as("detached").isEqualTo(50);
            }
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    /** The bcc lesson: a kprobe/__x64_sys_sync program counts sync(2) calls. */
    @Test
    void aSectionKprobeCountsSyncCalls() {
        try (BpfObject obj = load("hooks/probe_kprobe.o")) {
            if (!kernelHasKprobes()) {
                assertNoKprobes(() -> KprobeLink.attach(obj.program("jpr_sync")), "jpr_sync", "__x64_sys_sync");
            } else {
                try (KprobeLink link = KprobeLink.attach(obj.program("jpr_sync"))) {
                    call(SYS_SYNC, 3);
                    assertThat(obj.variable("syncs").getLong()).isEqualTo(3);
                }
            }
        }
    }

    /** libbpf's ksyscall/NAME: the kernel's wrapper of the syscall, found by name on either kernel. */
    @Test
    void aKsyscallSectionFindsTheSyscallsFunction() {
        assertThat(KprobeLink.syscallFunction("sync")).isEqualTo("__x64_sys_sync");
        assertThatThrownBy(() -> KprobeLink.syscallFunction("no_such_call"))
                .isInstanceOf(BpfException.class).hasMessageContaining("__x64_sys_no_such_call nor sys_no_such_call");
        try (BpfObject obj = load("hooks/probe_kprobe.o")) {
            if (!kernelHasKprobes()) {
                assertNoKprobes(() -> KprobeLink.attach(obj.program("jpr_ksyscall_sync")), "jpr_ksyscall_sync", "__x64_sys_sync");
            } else {
                try (KprobeLink link = KprobeLink.attach(obj.program("jpr_ksyscall_sync"))) {
                    assertThat(link.function()).isEqualTo("__x64_sys_sync");
                    call(SYS_SYNC, 3);
                    assertThat(obj.variable("ksyncs").getLong()).isEqualTo(3);
                }
            }
        }
    }

    @Test
    void theProgramReadsTheCookieOfTheKprobeThatFired() {
        try (BpfObject obj = load("hooks/probe_kprobe.o")) {
            if (!kernelHasKprobes()) {
                assertNoKprobes(() -> KprobeLink.attach(obj.program("jpr_kcookie"), "__x64_sys_getpgid",
                        KprobeOptions.ENTRY.withCookie(2)), "jpr_kcookie", "__x64_sys_getpgid");
            } else {
                try (KprobeLink ppid = KprobeLink.attach(obj.program("jpr_kcookie"), "__x64_sys_getppid",
                             KprobeOptions.ENTRY.withCookie(1));
                     KprobeLink pgid = KprobeLink.attach(obj.program("jpr_kcookie"), "__x64_sys_getpgid",
                             KprobeOptions.ENTRY.withCookie(2))) {
                    assertThat(pgid.options().cookie()).isEqualTo(2);
                    call(SYS_GETPPID, 7);
                    call(SYS_GETPGID, 4);
                    assertThat(ProbeTarget.longs(obj.variable("hits").get())).containsExactly(0, 7, 4, 0, 0, 0, 0, 0);
                }
            }
        }
    }

    @Test
    void aSectionWithoutAFunctionIsRefused() {
        try (BpfObject obj = BpfObject.load(Objects.path("hooks/trace_perf.o"))) {
            assertThatThrownBy(() -> KprobeLink.attach(obj.program("jtr_perf")))
                    .isInstanceOf(BpfException.class).hasMessageContaining("kprobe/<function>");
        }
    }
}
