package io.jbpf.link;

import static io.jbpf.testing.TraceTarget.le32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.BpfObject;
import io.jbpf.LoadOptions;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Native;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.uapi.LinkType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * hooks/trace_syscalls.o: a tracepoint, a raw tracepoint and a tp_btf program, each counting the
 * getppid() calls of this JVM (its tgid set in .rodata before load), count exactly the calls the
 * test makes while attached, and none after their links close.
 */
@Tag("vm")
class TraceSyscallsIT {
    private static final Native.Function GETPPID = Native.function("getppid", Native.Returns.INT, 0);
    private static final int N = 1000;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static BpfObject load() {
        int tgid = (int) ProcessHandle.current().pid();
        return BpfObject.load(BpfObjectSpec.read(Objects.path("hooks/trace_syscalls.o"))
                .withVariable("target_tgid", le32(tgid)), LoadOptions.defaults());
    }

    private static void getppid(int times) {
        for (int i = 0; i < times; i++) {
            GETPPID.call();
        }
    }

    @Test
    void eachHookCountsExactlyTheCallsMadeWhileAttached() {
        int before = Fds.count();
        try (BpfObject obj = load()) {
            try (TracepointLink tp = TracepointLink.attach(obj.program("jtr_tp"));
                 RawTracepointLink raw = RawTracepointLink.attach(obj.program("jtr_raw_tp"));
                 RawTracepointLink btf = RawTracepointLink.attach(obj.program("jtr_tp_btf"))) {
                assertThat(raw.tracepoint()).isEqualTo("sys_enter");
                assertThat(btf.tracepoint()).isEqualTo("sys_enter");
                assertThat(raw.info().type()).isEqualTo(LinkType.RAW_TRACEPOINT);
                assertThat(btf.info().type()).isEqualTo(LinkType.RAW_TRACEPOINT);
                // bpftool, from outside, sees both raw tracepoint links on sys_enter with our programs.
                for (RawTracepointLink l : new RawTracepointLink[] {raw, btf}) {
                    Sh.Result show = Sh.run("bpftool", "link", "show", "id", String.valueOf(l.info().id()), "-j");
                    assertThat(show.out()).contains("\"type\":\"raw_tracepoint\"").contains("\"tp_name\":\"sys_enter\"")
                            .contains("\"prog_id\":" + l.info().progId());
                }
                getppid(N);
                assertThat(obj.variable("tp_calls").getLong()).as("tracepoint").isEqualTo(N);
                assertThat(obj.variable("raw_tp_calls").getLong()).as("raw_tp").isEqualTo(N);
                assertThat(obj.variable("tp_btf_calls").getLong()).as("tp_btf").isEqualTo(N);
            }
            getppid(N);
            assertThat(obj.variable("tp_calls").getLong()).as("tracepoint after close").isEqualTo(N);
            assertThat(obj.variable("raw_tp_calls").getLong()).as("raw_tp after close").isEqualTo(N);
            assertThat(obj.variable("tp_btf_calls").getLong()).as("tp_btf after close").isEqualTo(N);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    /** A pinned raw tracepoint link keeps counting after its fd closes, until the pin goes. */
    @Test
    void aPinnedRawTracepointLinkOutlivesItsFd() throws Exception {
        java.nio.file.Path pin = java.nio.file.Path.of("/sys/fs/bpf/jtr_raw_tp_link");
        java.nio.file.Files.deleteIfExists(pin);
        try (BpfObject obj = load()) {
            RawTracepointLink raw = RawTracepointLink.attach(obj.program("jtr_raw_tp"));
            try {
                int id = raw.info().id();
                raw.pin(pin);
                raw.close();
                getppid(10);
                assertThat(obj.variable("raw_tp_calls").getLong()).isEqualTo(10);
                raw.unpin();
                assertThat(pin).doesNotExist();
                // The kernel frees a link whose last pin goes in a work item, after dropping its id:
                // wait until the id is gone and a call no longer counts.
                long deadline = System.nanoTime() + 5_000_000_000L;
                int fd;
                while ((fd = io.jbpf.internal.sys.BpfSyscall.linkGetFdById(id)) >= 0 && System.nanoTime() < deadline) {
                    Native.closeQuietly(fd);
                    Thread.sleep(10);
                }
                assertThat(fd).as("link %d released once unpinned", id).isNegative();
                long seen;
                do {
                    seen = obj.variable("raw_tp_calls").getLong();
                    getppid(1);
                    Thread.sleep(10);
                } while (obj.variable("raw_tp_calls").getLong() != seen && System.nanoTime() < deadline);
                getppid(10);
                assertThat(obj.variable("raw_tp_calls").getLong()).as("detached once unpinned").isEqualTo(seen);
                assertThat(pin).doesNotExist();
            } finally {
                raw.close();
                java.nio.file.Files.deleteIfExists(pin);
            }
        }
    }

    @Test
    void wrongProgramsAndNamesAreRefusedClearly() {
        try (BpfObject obj = load()) {
            assertThatThrownBy(() -> RawTracepointLink.attach(obj.program("jtr_raw_tp"), "no_such_tracepoint"))
                    .isInstanceOf(BpfException.class).hasMessageContaining("raw tracepoint no_such_tracepoint")
                    .hasMessageContaining("ENOENT");
            assertThatThrownBy(() -> TracingLink.attach(obj.program("jtr_tp_btf")))
                    .isInstanceOf(BpfException.class).hasMessageContaining("RawTracepointLink.attach(prog)");
            assertThatThrownBy(() -> RawTracepointLink.attach(obj.program("jtr_tp"), "sys_enter"))
                    .isInstanceOf(BpfException.class).hasMessageContaining("not a raw tracepoint program");
            try (RawTracepointLink raw = RawTracepointLink.attach(obj.program("jtr_raw_tp"))) {
                assertThatThrownBy(() -> raw.update(obj.program("jtr_raw_tp")))
                        .isInstanceOf(BpfException.class).hasMessageContaining("cannot swap the program");
            }
        }
    }
}
