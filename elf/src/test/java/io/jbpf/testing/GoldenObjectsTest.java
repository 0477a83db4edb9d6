package io.jbpf.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The golden objects cover every source: a program added to bpf-src/ without
 * {@code make -C bpf-src golden} would otherwise go unseen by the unit tests (the mutation run
 * among them), while the kernel tests load it fresh.
 */
class GoldenObjectsTest {
    @Test
    void everySourceHasItsGoldenObject() throws IOException {
        Path golden = BpfObjects.dir();
        Path sources = golden.getParent();
        for (String sub : List.of("", "corpus")) {
            try (Stream<Path> files = Files.list(sources.resolve(sub))) {
                List<Path> c = files.filter(p -> p.toString().endsWith(".c")).toList();
                assertThat(c).as("sources in %s", sources.resolve(sub)).isNotEmpty();
                for (Path src : c) {
                    String object = src.getFileName().toString().replaceAll("\\.c$", ".o");
                    assertThat(golden.resolve(sub).resolve(object)).as("golden object of %s (make -C bpf-src golden)", src)
                            .isRegularFile();
                }
            }
        }
    }
}
