package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.Kernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages depend one way: the core ({@code io.jbpf}) knows neither the attachments
 * ({@code io.jbpf.link}) nor the CLI ({@code io.jbpf.cli}), and the attachments do not know the
 * CLI, so each can be read, tested and changed without the ones above it. Checked on the sources:
 * an import or a qualified name in code counts, a mention in a comment or string does not.
 */
class PackageDependenciesTest {
    private static final Path MAIN = Kernel.root().resolve("loader/src/main/java/io/jbpf");

    @Test
    void coreUsesNeitherLinkNorCli() throws IOException {
        List<Path> core = javaFiles(MAIN, 1);
        assertThat(core).as("the core's sources under " + MAIN).hasSizeGreaterThan(10);
        assertThat(violations(core, "io.jbpf.link")).as("io.jbpf sources that use io.jbpf.link").isEmpty();
        assertThat(violations(core, "io.jbpf.cli")).as("io.jbpf sources that use io.jbpf.cli").isEmpty();
    }

    @Test
    void linkDoesNotUseCli() throws IOException {
        List<Path> link = javaFiles(MAIN.resolve("link"), Integer.MAX_VALUE);
        assertThat(link).as("the link package's sources").isNotEmpty();
        assertThat(violations(link, "io.jbpf.cli")).as("io.jbpf.link sources that use io.jbpf.cli").isEmpty();
    }

    @Test
    void theScanSeesImportsAndQualifiedNamesButNotComments() {
        assertThat(uses("package io.jbpf;\nimport io.jbpf.link.XdpLink;\nclass A {}", "io.jbpf.link")).isTrue();
        assertThat(uses("import static io.jbpf.link.XdpAttach.ifindex;", "io.jbpf.link")).isTrue();
        assertThat(uses("import io.jbpf.link.*;", "io.jbpf.link")).isTrue();
        assertThat(uses("class A { Object o = io.jbpf.cli.Jbpf.class; }", "io.jbpf.cli")).isTrue();
        assertThat(uses("/** See {@link io.jbpf.link.XdpLink}. */ class A {} // io.jbpf.link.X", "io.jbpf.link")).isFalse();
        assertThat(uses("class A { String s = \"io.jbpf.cli.Jbpf\"; }", "io.jbpf.cli")).isFalse();
        assertThat(uses("import io.jbpf.linkage.Other;", "io.jbpf.link")).as("another package, same prefix").isFalse();
    }

    private static List<Path> javaFiles(Path dir, int depth) throws IOException {
        try (Stream<Path> files = Files.walk(dir, depth)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static List<String> violations(List<Path> files, String pkg) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            if (uses(Files.readString(f), pkg)) {
                out.add(MAIN.relativize(f).toString());
            }
        }
        return out;
    }

    /** Whether {@code source}, without its comments and literals, names package {@code pkg}. */
    static boolean uses(String source, String pkg) {
        return Pattern.compile("\\b" + Pattern.quote(pkg) + "\\s*[.;]").matcher(code(source)).find();
    }

    /** {@code source} with comments, string and char literals blanked out. */
    private static String code(String source) {
        StringBuilder b = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                i = source.indexOf('\n', i);
                i = i < 0 ? n : i;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                b.append(' ');
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && source.charAt(j) != c) {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                b.append(' ');
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }
}
