package io.jbpf.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every architecture the build ships a native stub for has a row in {@link Arch}. */
class ArchTest {
    @Test
    void everyShippedArchitectureHasATableEntry() throws IOException {
        // The loader's pom names the jffi stubs the build unpacks beside jbpf.jar: jni/<arch>-Linux/.
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher m = Pattern.compile("jni/([A-Za-z0-9_]+)-Linux/").matcher(pom);
        List<String> shipped = new ArrayList<>();
        while (m.find()) {
            shipped.add(m.group(1));
        }
        assertThat(shipped).as("architectures named in loader/pom.xml").isNotEmpty();
        for (String arch : shipped) {
            assertThat(Arch.of(arch)).as("Arch row for %s, which the build ships", arch).isNotNull();
        }
    }

    @Test
    void thisMachinesArchitectureIsKnownAndNamesItsSyscallWrappers() {
        Arch a = Arch.current();
        assertThat(a.javaNames).contains(System.getProperty("os.arch"));
        assertThat(a.syscallWrapper("bpf")).startsWith("__").endsWith("_sys_bpf");
    }

    @Test
    void pageSizeIsTheSystemsNotAConstant() throws Exception {
        Process p = new ProcessBuilder("getconf", "PAGESIZE").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(Native.pageSize()).isEqualTo(Long.parseLong(out));
    }

    @Test
    void unknownArchitecturesHaveNoRow() {
        assertThat(Arch.of("sparcv9")).isNull();
    }
}
