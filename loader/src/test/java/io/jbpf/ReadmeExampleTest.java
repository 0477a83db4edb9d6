package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's library example is the code the build compiles and runs: the first java block
 * under "## Library" must be the body of {@code main} in the consumer project
 * (loader/src/it/consumer, which {@code mvn verify} runs on the module path), apart from
 * indentation. Editing one without the other fails here, without root or a kernel. And the
 * example closes what it opens: every AutoCloseable it declares is a try-with-resources resource.
 */
class ReadmeExampleTest {
    private static final Path ROOT = Path.of(System.getProperty("jbpf.root", "..")).toAbsolutePath().normalize();
    private static final Path README = ROOT.resolve("README.md");
    private static final Path EXAMPLE = ROOT.resolve("loader/src/it/consumer/src/main/java/io/jbpf/example/ReadmeExample.java");

    @Test
    void readmeLibraryBlockIsTheConsumersMain() throws IOException {
        List<String> block = readmeBlock();
        List<String> main = mainBody();
        assertThat(block).as("the README's first java block under ## Library").isNotEmpty();
        assertThat(String.join("\n", block))
                .as("README.md's library example must be the body of main in %s (indentation aside)", ROOT.relativize(EXAMPLE))
                .isEqualTo(String.join("\n", main));
    }

    @Test
    void everyAutoCloseableIsATryResource() throws IOException {
        String code = String.join("\n", mainBody());
        Map<String, String> imports = imports();
        Set<String> resources = new HashSet<>();
        for (String header : tryHeaders(code)) {
            Matcher d = DECLARATION.matcher(header);
            while (d.find()) {
                resources.add(d.group(2));
            }
        }
        assertThat(resources).as("try-with-resources variables of the example").isNotEmpty();
        Matcher d = DECLARATION.matcher(code);
        List<String> unclosed = new ArrayList<>();
        while (d.find()) {
            String type = d.group(1);
            String name = d.group(2);
            if (resources.contains(name) || !AutoCloseable.class.isAssignableFrom(resolve(type, imports))) {
                continue;
            }
            // Allowed: a part handed out by a resource that owns and closes it (obj.map("x")),
            // a single call on that resource with nothing chained, which would create something.
            String init = code.substring(d.end(), code.indexOf(';', d.end())).trim();
            Matcher owner = Pattern.compile("(\\w+)\\.\\w+\\([^()]*\\)").matcher(init);
            if (!owner.matches() || !resources.contains(owner.group(1))) {
                unclosed.add(type + " " + name + " = " + init);
            }
        }
        assertThat(unclosed).as("AutoCloseable values declared outside try-with-resources").isEmpty();
    }

    /** {@code Type name =} and {@code Type<A, B> name =} (a local variable with its initializer). */
    private static final Pattern DECLARATION = Pattern.compile("\\b([A-Z]\\w*)(?:<[^=;()]*>)?\\s+(\\w+)\\s*=(?!=)");

    /** The resource lists of the code's {@code try (...)} statements. */
    private static List<String> tryHeaders(String code) {
        List<String> out = new ArrayList<>();
        for (int at = code.indexOf("try ("); at >= 0; at = code.indexOf("try (", at + 1)) {
            int open = at + "try ".length();
            int depth = 0;
            int i = open;
            do {
                char c = code.charAt(i++);
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            } while (depth > 0);
            out.add(code.substring(open + 1, i - 1));
        }
        return out;
    }

    private static Class<?> resolve(String simpleName, Map<String, String> imports) {
        String name = imports.getOrDefault(simpleName, "java.lang." + simpleName);
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("the example's type " + simpleName + " is neither imported nor in java.lang");
        }
    }

    private static Map<String, String> imports() throws IOException {
        Map<String, String> out = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^import ([\\w.]+)\\.(\\w+);$").matcher(Files.readString(EXAMPLE));
        while (m.find()) {
            out.put(m.group(2), m.group(1) + "." + m.group(2));
        }
        return out;
    }

    /** The first {@code ```java} block after the "## Library" heading, without the fences. */
    private static List<String> readmeBlock() throws IOException {
        List<String> lines = Files.readAllLines(README);
        int i = lines.indexOf("## Library");
        assertThat(i).as("README.md has a '## Library' section").isNotNegative();
        while (++i < lines.size() && !lines.get(i).strip().equals("```java")) {
            if (lines.get(i).startsWith("## ")) {
                throw new AssertionError("no ```java block in README.md's ## Library section");
            }
        }
        List<String> block = new ArrayList<>();
        while (++i < lines.size() && !lines.get(i).strip().equals("```")) {
            block.add(lines.get(i));
        }
        return unindent(block);
    }

    /** The lines between the {@code main(String[] args)} line and its closing brace. */
    private static List<String> mainBody() throws IOException {
        List<String> lines = Files.readAllLines(EXAMPLE);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.contains(" static void main(String[] args)") && l.endsWith("{")) {
                String close = l.substring(0, l.length() - l.stripLeading().length()) + "}";
                List<String> body = new ArrayList<>();
                for (int j = i + 1; j < lines.size() && !lines.get(j).equals(close); j++) {
                    body.add(lines.get(j));
                }
                return unindent(body);
            }
        }
        throw new AssertionError(EXAMPLE + " has no main(String[] args)");
    }

    /** The lines shifted left by their common indentation, trailing blanks removed. */
    private static List<String> unindent(List<String> lines) {
        int common = Integer.MAX_VALUE;
        for (String l : lines) {
            if (!l.isBlank()) {
                common = Math.min(common, l.length() - l.stripLeading().length());
            }
        }
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.add(l.isBlank() ? "" : l.substring(common).stripTrailing());
        }
        return out;
    }
}
