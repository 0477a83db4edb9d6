package io.jbpf.link;

import static io.jbpf.testing.TraceTarget.le64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jbpf.BpfObject;
import io.jbpf.LoadOptions;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.LibC;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.uapi.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A tracing link's cookie (hooks/probe_fentry_cookie.o): where the kernel allows trampolines (the
 * 6.1 guest) one fentry program attached with cookie 3, then with cookie 5, files this thread's
 * getppid calls under each exactly; where lockdown refuses them (the development machine: read
 * here from securityfs or the kernel configuration) the load says so.
 */
@Tag("vm")
class TracingCookieIT {
    private static final long SYS_GETPPID = 110;
    private static final long SYS_GETTID = 186;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    /** Lockdown in integrity or confidentiality mode: securityfs says which is selected, else the configuration. */
    private static boolean lockedDown() throws IOException {
        Path lockdown = Path.of("/sys/kernel/security/lockdown");
        if (Files.isReadable(lockdown)) {
            return !Files.readString(lockdown).contains("[none]");
        }
        if (Files.exists(Path.of("/proc/config.gz"))) {
            return "y".equals(Kernel.config("CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY"))
                    || "y".equals(Kernel.config("CONFIG_LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY"));
        }
        return false;
    }

    @Test
    void theProgramReadsTheCookieOfItsTracingLink() throws Exception {
        int before = Fds.count();
        long pid = ProcessHandle.current().pid();
        long tid = LibC.syscall(SYS_GETTID, 0, 0, 0);
        BpfObjectSpec spec = BpfObjectSpec.read(Objects.path("hooks/probe_fentry_cookie.o"))
                .withVariable("target_pid_tgid", le64(pid << 32 | tid));
        if (lockedDown()) {
            BpfException e = catchThrowableOfType(BpfException.class, () -> BpfObject.load(spec, LoadOptions.defaults()).close());
            assertThat(e).isNotNull();
            assertThat(e.errno()).isEqualTo(Errno.EPERM);
            assertThat(e.getMessage()).contains("program jpr_fentry_cookie").contains("BPF trampolines are refused by this kernel");
        } else {
            try (BpfObject obj = BpfObject.load(spec, LoadOptions.defaults())) {
                try (TracingLink link = TracingLink.attach(obj.program("jpr_fentry_cookie"), TracingOptions.DEFAULTS.withCookie(3))) {
                    KprobeIT.call(SYS_GETPPID, 6);
                }
                try (TracingLink link = TracingLink.attach(obj.program("jpr_fentry_cookie"), TracingOptions.DEFAULTS.withCookie(5))) {
                    KprobeIT.call(SYS_GETPPID, 2);
                }
                KprobeIT.call(SYS_GETPPID, 1);
                assertThat(ProbeTarget.longs(obj.variable("hits").get())).containsExactly(0, 0, 0, 6, 0, 2, 0, 0);
            }
        }
        assertThat(Fds.count()).isEqualTo(before);
    }
}
