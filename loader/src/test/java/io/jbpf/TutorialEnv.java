package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TestEnv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A testenv.sh environment for the xdp-tutorial lesson walks, named {@code ta} + 6 hex digits (this
 * area's prefix), driven only through the commands a learner types: {@code t setup}, {@code t load}
 * in the lesson's build directory, {@code t ping}, {@code t stats}, {@code t tcpdump}, {@code t exec},
 * {@code t unload}, {@code t teardown} (on close).
 */
final class TutorialEnv implements AutoCloseable {
    private static final Pattern RECEIVED = Pattern.compile("(\\d+) received");

    final String name;

    private TutorialEnv(String name) {
        this.name = name;
    }

    /** {@code t setup -n NAME OPTIONS}. */
    static TutorialEnv setup(String... options) {
        TutorialEnv env = new TutorialEnv("ta" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff)));
        List<String> cmd = new ArrayList<>(List.of(TestEnv.script(), "setup", "-n", env.name));
        cmd.addAll(Arrays.asList(options));
        Sh.Result r = Sh.run(cmd);
        if (r.exit() != 0) {
            env.close();
            throw new AssertionError("t setup failed: " + r.all());
        }
        return env;
    }

    /** A lesson's build directory, bpf-src/build/tutorial/LESSON: where the learner runs {@code t load}. */
    static Path lesson(String dir) {
        Path p = Objects.path("tutorial/" + dir);
        assertThat(p).as("lesson built (make -C bpf-src)").isDirectory();
        return p;
    }

    /** {@code t COMMAND -n NAME ARGS} in directory {@code dir}. */
    Sh.Result tIn(Path dir, String command, String... args) {
        List<String> cmd = new ArrayList<>(List.of(TestEnv.script(), command, "-n", name));
        cmd.addAll(Arrays.asList(args));
        return Sh.runIn(dir, cmd);
    }

    /** {@code t COMMAND -n NAME ARGS}. */
    Sh.Result t(String command, String... args) {
        return tIn(null, command, args);
    }

    /** {@code t load -- ARGS} in the lesson's directory, which must succeed. */
    Sh.Result load(Path lesson, String... args) {
        List<String> all = new ArrayList<>(List.of("--"));
        all.addAll(Arrays.asList(args));
        Sh.Result r = tIn(lesson, "load", all.toArray(String[]::new));
        assertThat(r.exit()).as(r.all()).isZero();
        return r;
    }

    /** {@code t ping [--legacy-ip] -c COUNT [-- ARGS]}, which may fail (dropped pings); its output. */
    Sh.Result ping(int count, boolean ipv4, String... args) {
        List<String> all = new ArrayList<>();
        if (ipv4) {
            all.add("--legacy-ip");
        }
        all.addAll(List.of("-c", String.valueOf(count)));
        if (args.length > 0) {
            all.add("--");
            all.addAll(Arrays.asList(args));
        }
        return t("ping", all.toArray(String[]::new));
    }

    /** How many replies a ping got. */
    static int received(Sh.Result ping) {
        Matcher m = RECEIVED.matcher(ping.out());
        assertThat(m.find()).as("ping output: %s", ping.all()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** {@code ip -d link show} of the XDP end's interface. */
    String ipLink() {
        return Sh.run("ip", "-n", name + "-xdp", "-d", "link", "show", "dev", name).out();
    }

    /** The jbpf launcher, for {@code t exec-xdp -- JBPF ...}. */
    static String jbpf() {
        return Kernel.root().resolve("jbpf").toString();
    }

    /** {@code t tcpdump -- -l -nn ARGS} started in the background; returns once tcpdump listens. */
    Background tcpdump(String... args) {
        List<String> cmd = new ArrayList<>(List.of(TestEnv.script(), "tcpdump", "-n", name, "--", "-l", "-nn"));
        cmd.addAll(Arrays.asList(args));
        return new Background(cmd, "listening on");
    }

    /** {@code t exec-xdp -- CMD} started in the background; returns once CMD wrote {@code ready} to its stderr. */
    Background execXdp(String ready, String... cmd) {
        List<String> all = new ArrayList<>(List.of(TestEnv.script(), "exec-xdp", "-n", name, "--"));
        all.addAll(Arrays.asList(cmd));
        return new Background(all, ready);
    }

    /** The value of KEY in {@code t info}. */
    String info(String key) {
        Sh.Result r = t("info");
        assertThat(r.exit()).as(r.all()).isZero();
        Matcher m = Pattern.compile("(?m)^" + key + "=(.*)$").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return m.group(1);
    }

    @Override
    public void close() {
        Sh.run(TestEnv.script(), "teardown", "-n", name);
    }

    /** A command in the background (tcpdump, a listener) whose output is read when it ends. */
    static final class Background {
        private final Process process;
        private final Path out;
        private final Path err;

        private Background(List<String> cmd, String ready) {
            try {
                out = Files.createTempFile("ta-bg", ".out");
                err = Files.createTempFile("ta-bg", ".err");
                process = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!Files.readString(err).contains(ready)) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        process.destroyForcibly();
                        throw new AssertionError(cmd + " did not start: " + Files.readString(err));
                    }
                    Thread.sleep(20);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** Waits up to {@code seconds} for the command to end (then stops it); its standard output. */
        String output(int seconds) {
            try {
                if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                    process.destroy();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
                return Files.readString(out, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } finally {
                process.destroyForcibly();
                try {
                    Files.deleteIfExists(out);
                    Files.deleteIfExists(err);
                } catch (IOException e) {
                    // temp files only
                }
            }
        }
    }
}
