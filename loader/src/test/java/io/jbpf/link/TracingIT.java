package io.jbpf.link;

import static io.jbpf.testing.TraceTarget.le32;
import static io.jbpf.testing.TraceTarget.le64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jbpf.BpfObject;
import io.jbpf.BpfProgram;
import io.jbpf.LoadOptions;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfKind;
import io.jbpf.btf.BtfType;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.NetNs;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TcNet;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.LinkType;
import io.jbpf.uapi.XdpAction;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Programs that run through a BPF trampoline (fentry, fexit, fmod_ret, lsm, freplace). Where the
 * kernel refuses trampolines (lockdown, as on the development machine: the test reads the kernel's
 * configuration itself to know which), every load must fail with the message that says so;
 * elsewhere each program must show its effect. Either way the test asserts, never skips.
 */
@Tag("vm")
class TracingIT {
    private static final Native.Function GETPPID = Native.function("getppid", Native.Returns.INT, 0);
    /** __NR_gettid on x86_64: the thread id the fmod_ret and lsm programs refuse opens to. */
    private static final long SYS_GETTID = 186;
    private static final List<String> TRAMPOLINE_PROGRAMS = List.of("jtr_fentry", "jtr_fexit", "jtr_fmod_ret", "jtr_lsm");

    @TempDir
    Path dir;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    /** Whether this kernel refuses trampolines: lockdown forced on by its configuration. */
    private static boolean lockedDown() throws IOException {
        return "y".equals(Kernel.config("CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY"))
                || "y".equals(Kernel.config("CONFIG_LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY"));
    }

    /** The file the LSM program denies: on tmpfs, whose inode numbers and devices stat shows as they are. */
    private Path denied;

    @BeforeEach
    void files() throws IOException {
        Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "jtr_lsm");
        denied = Files.writeString(shm.resolve("denied"), "x");
        Files.writeString(shm.resolve("allowed"), "x");
    }

    @AfterEach
    void removeFiles() throws IOException {
        for (Path p : List.of(denied, denied.resolveSibling("allowed"), denied.getParent())) {
            Files.deleteIfExists(p);
        }
    }

    private BpfObjectSpec trampolineSpec() throws IOException {
        long pid = ProcessHandle.current().pid();
        long tid = LibC.syscall(SYS_GETTID, 0, 0, 0);
        long stDev = (Long) Files.getAttribute(denied, "unix:dev");
        long major = (stDev >>> 8) & 0xfff | (stDev >>> 32) & ~0xfffL;
        long minor = stDev & 0xff | (stDev >>> 12) & ~0xffL;
        Btf vmlinux = Btf.parse("vmlinux", Files.readAllBytes(Path.of("/sys/kernel/btf/vmlinux")));
        return BpfObjectSpec.read(Objects.path("hooks/trace_trampoline.o"))
                .withVariable("target_tgid", le32((int) pid))
                .withVariable("target_pid_tgid", le64(pid << 32 | tid))
                .withVariable("off_file_inode", le32(memberOffset(vmlinux, "file", "f_inode")))
                .withVariable("off_inode_ino", le32(memberOffset(vmlinux, "inode", "i_ino")))
                .withVariable("off_inode_sb", le32(memberOffset(vmlinux, "inode", "i_sb")))
                .withVariable("off_sb_dev", le32(memberOffset(vmlinux, "super_block", "s_dev")))
                .withVariable("deny_ino", le64((Long) Files.getAttribute(denied, "unix:ino")))
                .withVariable("deny_dev", le32((int) (major << 20 | minor)));
    }

    /** Byte offset of {@code member} in {@code struct name}, looking into anonymous structs and unions. */
    private static int memberOffset(Btf btf, String struct, String member) {
        BtfType type = btf.find(BtfKind.STRUCT, struct).orElseThrow(() -> new AssertionError("no struct " + struct));
        Integer bits = memberBits(btf, type, member);
        assertThat(bits).as("%s.%s in the kernel's BTF", struct, member).isNotNull();
        return bits / 8;
    }

    private static Integer memberBits(Btf btf, BtfType type, String member) {
        for (BtfType.Member m : type.members()) {
            int bits = (int) (type.kindFlag() ? m.offset() & 0xffffff : m.offset());
            if (m.name().equals(member)) {
                return bits;
            }
            BtfType inner = btf.type(btf.skipQualifiers(m.type()));
            if (m.name().isEmpty() && (inner.kind() == BtfKind.STRUCT || inner.kind() == BtfKind.UNION)) {
                Integer nested = memberBits(btf, inner, member);
                if (nested != null) {
                    return bits + nested;
                }
            }
        }
        return null;
    }

    private static void assertRefusedClearly(BpfException e, String program) {
        assertThat(e).as("the load of %s must fail on a locked-down kernel", program).isNotNull();
        assertThat(e.errno()).isEqualTo(Errno.EPERM);
        assertThat(e.getMessage()).contains("program " + program)
                .contains("BPF trampolines are refused by this kernel")
                .contains("lockdown is in integrity mode")
                .contains("fentry, fexit, fmod_ret, freplace and lsm programs need a kernel that allows them");
    }

    @Test
    void fentryFexitFmodRetAndLsmAreRefusedClearlyOrWork() throws Exception {
        int before = Fds.count();
        if (lockedDown()) {
            for (String name : TRAMPOLINE_PROGRAMS) {
                BpfException e = catchThrowableOfType(BpfException.class,
                        () -> BpfObject.load(trampolineSpec(), LoadOptions.defaults().onlyProgram(name)).close());
                assertRefusedClearly(e, name);
                assertThat(e.getMessage()).contains(name.equals("jtr_lsm") ? "LSM hook file_open"
                        : name.equals("jtr_fmod_ret") ? "kernel function security_file_open" : "kernel function __do_sys_getppid");
            }
        } else {
            try (BpfObject obj = BpfObject.load(trampolineSpec(), LoadOptions.defaults())) {
                countsAndSeesTheReturnValue(obj);
                refusesThisThreadsOpens(obj);
                deniesTheTestFileOnly(obj);
            }
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    private static void countsAndSeesTheReturnValue(BpfObject obj) {
        long ppid = ProcessHandle.current().parent().orElseThrow().pid();
        try (TracingLink fentry = TracingLink.attach(obj.program("jtr_fentry"));
             TracingLink fexit = TracingLink.attach(obj.program("jtr_fexit"))) {
            assertThat(fentry.info().type()).isEqualTo(LinkType.TRACING);
            for (int i = 0; i < 100; i++) {
                GETPPID.call();
            }
            assertThat(obj.variable("fentry_calls").getLong()).isEqualTo(100);
            assertThat(obj.variable("fexit_calls").getLong()).isEqualTo(100);
            assertThat(obj.variable("fexit_last_ret").getLong()).isEqualTo(ppid);
        }
        GETPPID.call();
        assertThat(obj.variable("fentry_calls").getLong()).as("detached").isEqualTo(100);
    }

    /** fmod_ret refuses this thread's opens while attached: the open fails from Java's side. */
    private void refusesThisThreadsOpens(BpfObject obj) throws IOException {
        Path file = Files.writeString(dir.resolve("jtr_fmod_ret"), "x");
        try (TracingLink link = TracingLink.attach(obj.program("jtr_fmod_ret"))) {
            assertThatThrownBy(() -> Files.readAllBytes(file)).isInstanceOf(IOException.class);
            assertThat(obj.variable("fmod_ret_denied").getLong()).isPositive();
        }
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    /**
     * The LSM program denies opening the test file and nothing else: the file beside it opens, a
     * shell (another process) cannot open the test file either, and after detach it opens again.
     */
    private void deniesTheTestFileOnly(BpfObject obj) throws IOException {
        Path allowed = denied.resolveSibling("allowed");
        try (TracingLink link = TracingLink.attach(obj.program("jtr_lsm"))) {
            assertThat(link.info().type()).isEqualTo(LinkType.TRACING);
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> Files.readAllBytes(denied)).isInstanceOf(FileSystemException.class)
                        .hasMessageContaining("Operation not permitted");
                assertThat(Files.readString(allowed)).isEqualTo("x");
            }
            Sh.Result cat = Sh.run("cat", denied.toString());
            assertThat(cat.exit()).isNotZero();
            assertThat(cat.err()).contains("Operation not permitted");
            assertThat(Sh.run("cat", allowed.toString()).out()).isEqualTo("x");
            assertThat(obj.variable("lsm_denied").getLong()).as("denied opens: 3 from Java, 1 from cat").isEqualTo(4);
        }
        assertThat(Files.readString(denied)).isEqualTo("x");
        assertThat(obj.variable("lsm_denied").getLong()).as("detached").isEqualTo(4);
    }

    /** freplace: the extension takes the place of jtr_verdict in the XDP program, which then drops. */
    @Test
    void freplaceIsRefusedClearlyOrReplacesTheTargetsFunction() throws Exception {
        int before = Fds.count();
        try (BpfObject target = BpfObject.load(Objects.path("hooks/trace_freplace_target.o"))) {
            BpfProgram xdp = target.program("jtr_freplace_target");
            byte[] packet = new byte[64];
            assertThat(xdp.testRun(packet, null, 1).retval()).isEqualTo(XdpAction.PASS.value);
            LoadOptions options = LoadOptions.defaults().withFreplaceTarget(xdp);
            if (lockedDown()) {
                BpfException e = catchThrowableOfType(BpfException.class,
                        () -> BpfObject.load(BpfObjectSpec.read(Objects.path("hooks/trace_freplace.o")), options).close());
                assertRefusedClearly(e, "jtr_verdict_drop");
                assertThat(e.getMessage()).contains("function jtr_verdict of program jtr_freplace_target");
            } else {
                try (BpfObject ext = BpfObject.load(BpfObjectSpec.read(Objects.path("hooks/trace_freplace.o")), options)) {
                    try (TracingLink link = TracingLink.attach(ext.program("jtr_verdict_drop"))) {
                        assertThat(xdp.testRun(packet, null, 1).retval()).isEqualTo(XdpAction.DROP.value);
                    }
                    assertThat(xdp.testRun(packet, null, 1).retval()).isEqualTo(XdpAction.PASS.value);
                }
            }
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    /**
     * freplace on the packet path: the target program attached to a veth passes pings through its
     * jtr_verdict; with the extension attached in jtr_verdict's place the same attached program
     * drops them, and after the extension is detached it passes them again.
     */
    @Test
    void freplaceChangesWhatAnAttachedXdpProgramDoesToPings() throws Exception {
        int before = Fds.count();
        try (TcNet net = TcNet.setup();
             BpfObject target = BpfObject.load(Objects.path("hooks/trace_freplace_target.o"))) {
            BpfProgram xdp = target.program("jtr_freplace_target");
            try (XdpBpfLink attached = NetNs.call(net.ns, () -> XdpBpfLink.attach(xdp, net.dev, XdpMode.NATIVE))) {
                assertThat(net.ping(3)).as("jtr_verdict passes").isEqualTo(3);
                BpfObjectSpec extension = BpfObjectSpec.read(Objects.path("hooks/trace_freplace.o"));
                LoadOptions options = LoadOptions.defaults().withFreplaceTarget(xdp);
                if (lockedDown()) {
                    assertRefusedClearly(catchThrowableOfType(BpfException.class,
                            () -> BpfObject.load(extension, options).close()), "jtr_verdict_drop");
                    assertThat(net.ping(3)).as("the attached program is untouched").isEqualTo(3);
                } else {
                    try (BpfObject ext = BpfObject.load(extension, options);
                         TracingLink link = TracingLink.attach(ext.program("jtr_verdict_drop"))) {
                        assertThat(net.ping(3)).as("the extension drops every packet").isZero();
                    }
                    assertThat(net.ping(3)).as("extension detached: jtr_verdict passes again").isEqualTo(3);
                }
            }
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    /** These are named before any load, on every kernel. */
    @Test
    void aFreplaceProgramNeedsItsTargetAndAnExistingFunction() {
        BpfObjectSpec ext = BpfObjectSpec.read(Objects.path("hooks/trace_freplace.o"));
        assertThatThrownBy(() -> BpfObject.load(ext, LoadOptions.defaults()))
                .isInstanceOf(BpfException.class).hasMessageContaining("replaces function jtr_verdict of a loaded program")
                .hasMessageContaining("withFreplaceTarget");
        try (BpfObject other = BpfObject.load(Objects.path("xdp_pass.o"))) {
            assertThatThrownBy(() -> BpfObject.load(ext, LoadOptions.defaults().withFreplaceTarget(other.program("xdp_pass_func"))))
                    .isInstanceOf(BpfException.class).hasMessageContaining("function jtr_verdict of program xdp_pass_func");
        }
    }

    @Test
    void targetsTheKernelLacksAreNamedBeforeTheLoad() {
        BpfObjectSpec spec = BpfObjectSpec.read(Objects.path("hooks/trace_bad_targets.o"));
        assertThatThrownBy(() -> BpfObject.load(spec, LoadOptions.defaults().onlyProgram("jtr_bad_tp_btf")))
                .isInstanceOf(BpfException.class).hasMessageContaining("tracepoint jtr_no_such_tracepoint")
                .hasMessageContaining("has no btf_trace_jtr_no_such_tracepoint");
        assertThatThrownBy(() -> BpfObject.load(spec, LoadOptions.defaults().onlyProgram("jtr_bad_fentry")))
                .isInstanceOf(BpfException.class).hasMessageContaining("kernel function jtr_no_such_function")
                .hasMessageContaining("/sys/kernel/btf/vmlinux");
        assertThatThrownBy(() -> BpfObject.load(spec, LoadOptions.defaults().onlyProgram("jtr_bad_lsm")))
                .isInstanceOf(BpfException.class).hasMessageContaining("LSM hook jtr_no_such_hook")
                .hasMessageContaining("bpf_lsm_jtr_no_such_hook");
        assertThatThrownBy(() -> BpfObject.load(spec, LoadOptions.defaults().onlyProgram("jtr_bad_fexit")))
                .isInstanceOf(BpfException.class).hasMessageContaining("names no kernel function");
    }
}
