package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Arch;
import io.jbpf.spec.BpfObjectSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BpfCompiler with the installed clang (no kernel, no root): objects, the cache, clang's errors. */
class BpfCompilerTest {
    @TempDir
    Path dir;

    private BpfCompiler compiler() {
        return new BpfCompiler("clang", dir.resolve("cache"), List.of());
    }

    @Test
    void compilesOnceAndReusesTheObjectUntilTheSourceChanges() throws Exception {
        Path src = Files.writeString(dir.resolve("p.bpf.c"), """
                #include <linux/bpf.h>
                #include <bpf/bpf_helpers.h>
                SEC("xdp") int pass(struct xdp_md *ctx) { return XDP_PASS; }
                char _license[] SEC("license") = "GPL";
                """);
        Path obj = compiler().compile(src);
        assertThat(obj.getParent()).isEqualTo(dir.resolve("cache"));
        assertThat(BpfObjectSpec.read(obj).programs()).extracting(p -> p.name()).containsExactly("pass");
        Files.setLastModifiedTime(obj, FileTime.fromMillis(0));
        assertThat(compiler().compile(src)).as("cached").isEqualTo(obj);
        assertThat(Files.getLastModifiedTime(obj).toMillis()).as("not compiled again").isZero();
        Files.writeString(src, Files.readString(src).replace("XDP_PASS", "XDP_DROP"));
        assertThat(compiler().compile(src)).as("a changed source is another object").isNotEqualTo(obj);
        Path changed = compiler().compile(src);
        assertThat(compiler().withFlags("-DX=1").compile(src)).as("other flags, another object").isNotEqualTo(changed);
        Files.writeString(dir.resolve("local.h"), "#define X 1\n");
        assertThat(compiler().compile(src)).as("a header beside the source is part of the key").isNotEqualTo(changed);
    }

    @Test
    void clangsErrorsComeBackWithFileAndLine() throws Exception {
        Path src = Files.writeString(dir.resolve("bad.bpf.c"), "int f(void) {\n  return nope;\n}\n");
        assertThatThrownBy(() -> compiler().compile(src)).isInstanceOf(BpfException.class)
                .hasMessageContaining("clang could not compile " + src)
                .hasMessageContaining(src + ":2:10: error: use of undeclared identifier 'nope'");
        try (var files = Files.list(dir.resolve("cache"))) {
            assertThat(files.toList()).as("no object, no temporary file left").isEmpty();
        }
    }

    /** bcc's BPF(text=...): text held in the program, kept once under sources/, errors by its line. */
    @Test
    void textIsCompiledFromTheCacheAndItsErrorsNameItsLine() throws Exception {
        String text = """
                #include <linux/bpf.h>
                #include <bpf/bpf_helpers.h>
                SEC("xdp") int pass(struct xdp_md *ctx) { return XDP_PASS; }
                char _license[] SEC("license") = "GPL";
                """;
        Path obj = compiler().compile("my lesson", text);
        assertThat(BpfObjectSpec.read(obj).programs()).extracting(p -> p.name()).containsExactly("pass");
        assertThat(compiler().compile("my lesson", text)).as("cached").isEqualTo(obj);
        try (var sources = Files.list(dir.resolve("cache/sources"))) {
            assertThat(sources.map(f -> f.getFileName().toString()).toList()).singleElement()
                    .satisfies(f -> assertThat(f).startsWith("my_lesson-").endsWith(".bpf.c"));
        }
        assertThatThrownBy(() -> compiler().compile("broken", "int f(void) {\n  return nope;\n}\n"))
                .isInstanceOf(BpfException.class)
                .hasMessageMatching("(?s)clang could not compile .*/cache/sources/broken-[0-9a-f]+\\.bpf\\.c:\n"
                        + ".*/cache/sources/broken-[0-9a-f]+\\.bpf\\.c:2:10: error: use of undeclared identifier 'nope'.*");
    }

    @Test
    void aMissingClangIsNamed() throws Exception {
        Path src = Files.writeString(dir.resolve("x.bpf.c"), "");
        assertThatThrownBy(() -> new BpfCompiler("jbpf-no-such-clang", dir, List.of()).compile(src))
                .isInstanceOf(BpfException.class).hasMessageContaining("cannot run jbpf-no-such-clang (install clang");
    }

    @Test
    void diagnosticsAndTargetNames() {
        assertThat(BpfCompiler.diagnostics("a.c:3:7: warning: unused\nIn file included from x.h:1:\nb.c:10:2: error: bad thing\n"))
                .containsExactly(new BpfCompiler.Diagnostic(Path.of("a.c"), 3, 7, "warning", "unused"),
                        new BpfCompiler.Diagnostic(Path.of("b.c"), 10, 2, "error", "bad thing"));
        assertThat(BpfCompiler.targetArch(Arch.X86_64)).isEqualTo("x86");
        assertThat(BpfCompiler.targetArch(Arch.AARCH64)).isEqualTo("arm64");
        assertThat(BpfCompiler.multiarch(Arch.AARCH64)).isEqualTo("aarch64-linux-gnu");
    }
}
