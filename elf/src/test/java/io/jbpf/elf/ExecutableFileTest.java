package io.jbpf.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.testing.BpfObjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Symbol to file offset, the uprobe's placement, checked against the running program itself:
 * bpf-src/hooks/user/trace_target.c prints where the code of a function lies in its file,
 * computed from /proc/self/maps at run time, which the ELF reader must compute from the file alone.
 */
class ExecutableFileTest {
    @TempDir
    Path dir;

    private static Path source() {
        return Path.of(System.getProperty("jbpf.root", "..")).toAbsolutePath().normalize()
                .resolve("bpf-src/hooks/user/trace_target.c");
    }

    /** Builds trace_target with gcc and {@code flags}. */
    private Path build(String name, String... flags) throws Exception {
        Path out = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("gcc", "-O2", "-o", out.toString(), source().toString()));
        cmd.addAll(Arrays.asList(flags));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("gcc %s: %s", cmd, log).isZero();
        return out;
    }

    /** {@code trace_target offset FUNCTION}: the runtime file offset and the file holding it. */
    private static String[] runtimeOffset(Path target, String function) throws Exception {
        Process p = new ProcessBuilder(target.toString(), "offset", function).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as("%s offset %s: %s", target, function, out).isZero();
        return out.split(" ");
    }

    private static long hex(String s) {
        return Long.parseUnsignedLong(s.substring(2), 16);
    }

    @Test
    void aPieProgramsFunctionIsWhereTheRunningProgramFindsIt() throws Exception {
        Path target = build("trace_target");
        String[] rt = runtimeOffset(target, "jtr_work");
        assertThat(Path.of(rt[1])).isEqualTo(target.toRealPath());
        assertThat(ExecutableFile.read(target).function("jtr_work").offset()).isEqualTo(hex(rt[0]));
    }

    /** A non-PIE program's addresses start at 0x400000: the segment, not the address, gives the offset. */
    @Test
    void aNonPieProgramsAddressIsTurnedIntoAFileOffset() throws Exception {
        Path target = build("trace_target_nopie", "-no-pie");
        long offset = ExecutableFile.read(target).function("jtr_work").offset();
        assertThat(offset).isEqualTo(hex(runtimeOffset(target, "jtr_work")[0])).isLessThan(0x400000);
    }

    /** libc, stripped of .symtab: its exported functions are found in .dynsym. */
    @Test
    void aLibcFunctionIsFoundInDynsym() throws Exception {
        Path target = build("trace_target");
        String[] rt = runtimeOffset(target, "getppid");
        Path libc = Path.of(rt[1]);
        assertThat(libc.getFileName().toString()).startsWith("libc");
        assertThat(ExecutableFile.read(libc).function("getppid").offset()).isEqualTo(hex(rt[0]));
    }

    /** With its symbol table stripped, a program still exports what -rdynamic put in .dynsym. */
    @Test
    void aStrippedProgramKeepsItsDynamicSymbols() throws Exception {
        Path target = build("trace_target_dyn", "-rdynamic", "-s");
        assertThat(ExecutableFile.read(target).function("jtr_work").offset()).isEqualTo(hex(runtimeOffset(target, "jtr_work")[0]));
        Path plain = build("trace_target_stripped", "-s");
        assertThatThrownBy(() -> ExecutableFile.read(plain).function("jtr_work").offset())
                .isInstanceOf(BpfException.class)
                .hasMessageContaining(plain.toString()).hasMessageContaining("defines no function 'jtr_work'")
                .hasMessageContaining("nm -D");
    }

    @Test
    void anUnknownFunctionIsNamed() throws Exception {
        Path target = build("trace_target");
        assertThatThrownBy(() -> ExecutableFile.read(target).function("no_such_function").offset())
                .isInstanceOf(BpfException.class).hasMessageContaining("defines no function 'no_such_function'");
    }

    /** Data symbols are not functions: a uprobe there would be no code. */
    @Test
    void aVariableIsNotAFunction() throws Exception {
        Path libc = Path.of(runtimeOffset(build("trace_target"), "getppid")[1]);
        assertThatThrownBy(() -> ExecutableFile.read(libc).function("environ").offset())
                .isInstanceOf(BpfException.class).hasMessageContaining("defines no function 'environ'");
    }

    @Test
    void aBpfObjectIsNotAnExecutable() {
        assertThatThrownBy(() -> ExecutableFile.read(BpfObjects.path("xdp_pass.o")))
                .isInstanceOf(ElfFormatException.class).hasMessageContaining("neither an executable");
    }

    @Test
    void truncatedAndForeignFilesAreRefused() throws IOException {
        assertThatThrownBy(() -> ExecutableFile.parse("x", "hello".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(ElfFormatException.class).hasMessageContaining("no \\x7fELF magic");
        byte[] head = Arrays.copyOf(Files.readAllBytes(Path.of("/proc/self/exe").toRealPath()), 40);
        assertThatThrownBy(() -> ExecutableFile.parse("java", head))
                .isInstanceOf(ElfFormatException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> ExecutableFile.read(dir.resolve("missing")))
                .isInstanceOf(ElfFormatException.class).hasMessageContaining("no such file");
    }

    /** Section headers that point past the end are refused, not read out of bounds. */
    @Test
    void sectionHeadersBeyondTheFileAreRefused() throws Exception {
        byte[] exe = Files.readAllBytes(build("trace_target"));
        java.nio.ByteBuffer.wrap(exe).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(40, exe.length - 10);
        assertThatThrownBy(() -> ExecutableFile.parse("bad", exe))
                .isInstanceOf(ElfFormatException.class).hasMessageContaining("section headers");
    }
}
