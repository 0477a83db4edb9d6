package io.jbpf;

import io.jbpf.common.BpfException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.internal.sys.Native;
import io.jbpf.link.TracepointLink;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** corpus/tp_getpid.o attached to syscalls/sys_enter_getpid counts this process's getpid() calls. */
@Tag("vm")
class TracepointIT {
    /** glibc's getpid(), a real system call each time (glibc no longer caches it). */
    private static final Native.Function GETPID = Native.function("getpid", Native.Returns.INT, 0);

    private static int getpid() {
        return (int) GETPID.call();
    }

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static long le64(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void countsGetpidCallsWhileAttachedOnly() {
        int before = Fds.count();
        try (BpfObject obj = BpfObject.load(Objects.path("corpus/tp_getpid.o"))) {
            BpfProgram prog = obj.program("tp_getpid");
            BpfMap calls = obj.map("getpid_calls");
            int tgid = getpid();
            try (TracepointLink link = TracepointLink.attach(prog)) {
                assertThat(link.tracepoint()).isEqualTo("syscalls/sys_enter_getpid");
                for (int i = 0; i < 100; i++) {
                    getpid();
                }
                byte[] v = calls.lookup(le32(tgid));
                assertThat(v).as("an entry for this process").isNotNull();
                assertThat(le64(v)).isGreaterThanOrEqualTo(100);
                assertThat(obj.variable("total_calls").getLong()).isGreaterThanOrEqualTo(100);
            }
            long afterDetach = le64(calls.lookup(le32(tgid)));
            for (int i = 0; i < 100; i++) {
                getpid();
            }
            assertThat(le64(calls.lookup(le32(tgid)))).as("no counting once detached").isEqualTo(afterDetach);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void refusesAProgramOfAnotherType() {
        try (BpfObject obj = BpfObject.load(Objects.path("xdp_pass.o"))) {
            assertThatThrownBy(() -> TracepointLink.attach(obj.program("xdp_pass_func"), "syscalls", "sys_enter_getpid"))
                    .isInstanceOf(BpfException.class).hasMessageContaining("not a tracepoint program");
        }
    }
}
