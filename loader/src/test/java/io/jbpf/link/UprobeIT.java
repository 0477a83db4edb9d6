package io.jbpf.link;

import static io.jbpf.testing.TraceTarget.le32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.BpfObject;
import io.jbpf.LoadOptions;
import io.jbpf.common.BpfException;
import io.jbpf.elf.ExecutableFile;
import io.jbpf.internal.sys.Native;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TraceTarget;
import io.jbpf.uapi.LinkType;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hooks/trace_uprobe.o on a function of a program built for the test (jtr_work in
 * hooks/user/trace_target.c, which no other process runs, so every hit is the test's) and on
 * libc's getppid (filtered to this JVM): the uprobe counts exactly the calls made, the uretprobe
 * sees each return value, and nothing counts once the links are closed.
 */
@Tag("vm")
class UprobeIT {
    private static final Native.Function GETPPID = Native.function("getppid", Native.Returns.INT, 0);

    @TempDir
    Path dir;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static BpfObject load(int tgid) {
        return BpfObject.load(BpfObjectSpec.read(Objects.path("hooks/trace_uprobe.o"))
                .withVariable("target_tgid", le32(tgid)), LoadOptions.defaults());
    }

    @Test
    void countsTheCallsOfAProgramsFunctionAndSeesWhatTheyReturn() throws Exception {
        Path target = TraceTarget.build(dir);
        int before = Fds.count();
        try (BpfObject obj = load(0)) {
            try (UprobeLink entry = UprobeLink.attach(obj.program("jtr_uprobe"), target, "jtr_work", UprobeOptions.ENTRY);
                 UprobeLink exit = UprobeLink.attach(obj.program("jtr_uretprobe"), target, "jtr_work", UprobeOptions.RETURN)) {
                assertThat(entry.offset()).isEqualTo(ExecutableFile.read(target).symbolOffset("jtr_work"));
                assertThat(entry.offset()).isEqualTo(Long.decode(TraceTarget.run(target, "offset", "jtr_work").split(" ")[0]));
                assertThat(exit.kind()).isEqualTo(ProbeKind.RETURN);
                assertThat(entry.info().type()).isEqualTo(LinkType.PERF_EVENT);
                Sh.Result show = Sh.run("bpftool", "link", "show", "id", String.valueOf(entry.info().id()), "-j");
                assertThat(show.out()).contains("\"type\":\"perf_event\"").contains("\"prog_id\":" + entry.info().progId());
                // jtr_work(i) returns 2i: 500 calls return 2 * (1 + ... + 500) in all.
                assertThat(TraceTarget.run(target, "calls", "500")).isEqualTo("250500");
                assertThat(obj.variable("entries").getLong()).isEqualTo(500);
                assertThat(obj.variable("returns").getLong()).isEqualTo(500);
                assertThat(obj.variable("return_sum").getLong()).isEqualTo(250500);
            }
            TraceTarget.run(target, "calls", "50");
            assertThat(obj.variable("entries").getLong()).as("detached").isEqualTo(500);
            assertThat(obj.variable("returns").getLong()).as("detached").isEqualTo(500);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    /** A uprobe on libc seen for this JVM only (the perf event's pid and the program's tgid filter). */
    @Test
    void countsThisProcesssCallsOfALibcFunction() throws Exception {
        int pid = (int) ProcessHandle.current().pid();
        Path libc = TraceTarget.libc();
        int before = Fds.count();
        try (BpfObject obj = load(pid);
             UprobeLink link = UprobeLink.attach(obj.program("jtr_uprobe"), libc, "getppid", UprobeOptions.ENTRY.forPid(pid))) {
            assertThat(link.binary()).isEqualTo(libc.toAbsolutePath());
            for (int i = 0; i < 300; i++) {
                GETPPID.call();
            }
            assertThat(obj.variable("entries").getLong()).isEqualTo(300);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void badTargetsAreRefusedClearly() throws Exception {
        Path target = TraceTarget.build(dir);
        try (BpfObject obj = load(0)) {
            assertThatThrownBy(() -> UprobeLink.attach(obj.program("jtr_uprobe"), target, "no_such_fn", UprobeOptions.ENTRY))
                    .isInstanceOf(BpfException.class).hasMessageContaining("defines no function 'no_such_fn'");
            assertThatThrownBy(() -> UprobeLink.attach(obj.program("jtr_uprobe")))
                    .isInstanceOf(BpfException.class).hasMessageContaining("uprobe/<path>:<function>");
            try (BpfObject xdp = BpfObject.load(Objects.path("xdp_pass.o"))) {
                assertThatThrownBy(() -> UprobeLink.attach(xdp.program("xdp_pass_func"), target, "jtr_work", UprobeOptions.ENTRY))
                        .isInstanceOf(BpfException.class).hasMessageContaining("not a BPF_PROG_TYPE_KPROBE program");
            }
            try (UprobeLink link = UprobeLink.attach(obj.program("jtr_uprobe"), target, "jtr_work", UprobeOptions.ENTRY)) {
                assertThatThrownBy(() -> link.update(obj.program("jtr_uretprobe")))
                        .isInstanceOf(BpfException.class).hasMessageContaining("cannot swap the program of a perf-event link");
            }
        }
    }
}
