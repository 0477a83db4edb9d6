package io.jbpf;

import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Arch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles BPF C source with the installed clang, as bcc users expect of {@code BPF(text=...)}:
 * {@code clang -O2 -g -target bpf} with the target architecture's define ({@code __TARGET_ARCH_x86}
 * for libbpf's {@code bpf_tracing.h}) and the multiarch include directory the kernel UAPI headers
 * need, libbpf's {@code <bpf/bpf_helpers.h>} coming from the system (libbpf-dev). Objects are
 * cached by a hash of the source, the headers beside it, the flags and clang's version, so an
 * unchanged source is compiled once (headers elsewhere, given with -I, are not part of the key). Errors come back as a {@link BpfException} with clang's {@code file:line:col}
 * diagnostics.
 *
 * @param clang    the clang to run ({@code clang} from PATH by default)
 * @param cacheDir where compiled objects are kept
 * @param flags    extra flags (-I, -D ...) after jbpf's own
 */
public record BpfCompiler(String clang, Path cacheDir, List<String> flags) {
    private static final Pattern DIAGNOSTIC = Pattern.compile("^(.+?):(\\d+):(\\d+): (error|fatal error|warning): (.*)$");

    public BpfCompiler {
        flags = List.copyOf(flags);
    }

    /** clang from PATH, objects cached in {@code $XDG_CACHE_HOME/jbpf/objects} (else ~/.cache/jbpf/objects). */
    public static BpfCompiler defaults() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new BpfCompiler("clang", base.resolve("jbpf").resolve("objects"), List.of());
    }

    /** This compiler with {@code more} flags added (say {@code -I include} or {@code -DDEBUG}). */
    public BpfCompiler withFlags(String... more) {
        List<String> all = new ArrayList<>(flags);
        all.addAll(List.of(more));
        return new BpfCompiler(clang, cacheDir, all);
    }

    /** A diagnostic clang printed: where and what. */
    public record Diagnostic(Path file, int line, int column, String severity, String message) {
        @Override
        public String toString() {
            return file + ":" + line + ":" + column + ": " + severity + ": " + message;
        }
    }

    /**
     * The object file for {@code source}, compiled now or taken from the cache.
     *
     * @throws BpfException when clang is missing or the source does not compile: the message
     *                      lists clang's errors with their file, line and column
     */
    public Path compile(Path source) {
        byte[] text;
        try {
            text = Files.readAllBytes(source);
        } catch (IOException e) {
            throw new BpfException("cannot read BPF source " + source + ": " + e.getMessage(), e);
        }
        List<String> command = command(source);
        String key = hash(text, localHeaders(source), String.join("\0", command.subList(1, command.size() - 2)), version());
        Path object = cacheDir.resolve(fileName(source.getFileName().toString()) + "-" + key + ".o");
        if (Files.isRegularFile(object)) {
            return object;
        }
        try {
            Files.createDirectories(cacheDir);
            Path tmp = Files.createTempFile(cacheDir, ".compile", ".o");
            try {
                List<String> run = new ArrayList<>(command);
                run.set(run.size() - 1, tmp.toString());
                Result r = run(run);
                if (r.exit != 0) {
                    List<Diagnostic> errors = diagnostics(r.output).stream()
                            .filter(d -> !d.severity().equals("warning")).toList();
                    throw new BpfException("clang could not compile " + source + ":\n" + (errors.isEmpty() ? r.output.strip()
                            : String.join("\n", errors.stream().map(Diagnostic::toString).toList())));
                }
                Files.move(tmp, object, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new BpfException("cannot write the compiled object of " + source + " under " + cacheDir + ": "
                    + e.getMessage(), e);
        }
        return object;
    }

    /**
     * The object file for BPF C {@code text} held in the program itself, as bcc's
     * {@code BPF(text=...)} takes it: the text is kept as {@code <name>-<hash>.bpf.c} under the cache
     * directory's {@code sources/} (clang's messages name that file, lines counted from the text's
     * first), then compiled as {@link #compile(Path)} does.
     *
     * @param name names the source in messages and in the cache, say {@code "sync_timing"}
     * @throws BpfException when clang is missing or the text does not compile
     */
    public Path compile(String name, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Path dir = cacheDir.resolve("sources");
        Path source = dir.resolve(fileName(name) + "-" + hash(bytes, new byte[0], "", "") + ".bpf.c");
        if (!Files.isRegularFile(source)) {
            try {
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, ".source", ".c");
                try {
                    Files.write(tmp, bytes);
                    Files.move(tmp, source, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException e) {
                throw new BpfException("cannot write the BPF source " + name + " under " + dir + ": " + e.getMessage(), e);
            }
        }
        return compile(source);
    }

    /** The clang command line for {@code source}; its last argument is the output file. */
    List<String> command(Path source) {
        List<String> c = new ArrayList<>(List.of(clang, "-O2", "-g", "-target", "bpf", "-Wall",
                "-D__TARGET_ARCH_" + targetArch(Arch.current()), "-I/usr/include/" + multiarch(Arch.current())));
        c.addAll(flags);
        c.addAll(List.of("-c", source.toString(), "-o", "OUT"));
        return c;
    }

    /** libbpf's name of the architecture in {@code __TARGET_ARCH_<name>}. */
    static String targetArch(Arch arch) {
        return switch (arch) {
            case X86_64 -> "x86";
            case AARCH64 -> "arm64";
            case RISCV64 -> "riscv";
        };
    }

    /** Debian's multiarch include directory, where {@code <asm/types.h>} is. */
    static String multiarch(Arch arch) {
        return switch (arch) {
            case X86_64 -> "x86_64-linux-gnu";
            case AARCH64 -> "aarch64-linux-gnu";
            case RISCV64 -> "riscv64-linux-gnu";
        };
    }

    /** clang's {@code file:line:col: severity: message} lines in {@code output}. */
    static List<Diagnostic> diagnostics(String output) {
        List<Diagnostic> out = new ArrayList<>();
        for (String line : output.split("\n")) {
            Matcher m = DIAGNOSTIC.matcher(line);
            if (m.matches()) {
                out.add(new Diagnostic(Path.of(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                        m.group(4), m.group(5)));
            }
        }
        return out;
    }

    private String version() {
        Result r = run(List.of(clang, "--version"));
        if (r.exit != 0) {
            throw new BpfException("'" + clang + " --version' failed: " + r.output.strip());
        }
        return r.output;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new BpfException(command.get(0) + " did not finish in 5 minutes");
            }
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            throw new BpfException("cannot run " + command.get(0) + " (install clang, and libbpf-dev for <bpf/bpf_helpers.h>): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BpfException("interrupted while running " + command.get(0), e);
        }
    }

    private static String fileName(String name) {
        return name.replaceAll("\\.c$", "").replaceAll("[^A-Za-z0-9_.-]", "_").toLowerCase(Locale.ROOT);
    }

    /** The names and contents of the *.h files in the source's directory, which it may include. */
    private static byte[] localHeaders(Path source) {
        Path dir = source.toAbsolutePath().getParent();
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path h : files.filter(f -> f.getFileName().toString().endsWith(".h")).sorted().toList()) {
                all.writeBytes(h.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                all.write(0);
                all.writeBytes(Files.readAllBytes(h));
                all.write(0);
            }
        } catch (IOException e) {
            throw new BpfException("cannot read the headers beside " + source + ": " + e.getMessage(), e);
        }
        return all.toByteArray();
    }

    private static String hash(byte[] text, byte[] headers, String flags, String version) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(text);
            d.update((byte) 0);
            d.update(headers);
            d.update((byte) 0);
            d.update(flags.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(version.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
