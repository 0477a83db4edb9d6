package io.jbpf.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.ReuseportFds;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How Sockets tells a Java channel's socket: address comparison, and the JDK's own answer when exported. */
class SocketsTest {
    @Test
    void wildcardsAndMappedAddressesCompareAsJavaShowsThem() throws Exception {
        InetSocketAddress any4 = new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 5);
        InetSocketAddress any6 = new InetSocketAddress(InetAddress.getByName("::"), 5);
        assertThat(Sockets.sameAddress(any6, any4)).isTrue();
        assertThat(Sockets.sameAddress(any6, new InetSocketAddress(InetAddress.getByName("::"), 6))).isFalse();
        InetSocketAddress lo = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5);
        assertThat(Sockets.sameAddress(lo, any4)).as("a wildcard matches only a wildcard").isFalse();
        assertThat(Sockets.sameAddress(new InetSocketAddress(InetAddress.getByName("::ffff:127.0.0.1"), 5), lo)).isTrue();
        assertThat(Sockets.sameAddress(null, lo)).isFalse();
    }

    /**
     * With sun.nio.ch exported, the JDK names each channel's fd, so even sockets that share every
     * address (a reuseport group, refused without the flag: ReuseportIT) get their own fd.
     */
    @Test
    void exportedJdkTellsApartChannelsThatShareEveryAddress() throws Exception {
        Path out = Files.createTempFile("jbpf-sockets", ".out");
        try {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED"));
            java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("--enable-native-access")).forEach(cmd::add);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ReuseportFds.class.getName()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(String.join("\n", lines)).isZero();
            assertThat(lines).hasSize(2).allMatch(l -> l.matches("\\d+ socket:\\[\\d+]"));
            assertThat(lines.get(0).split(" ")[1]).as("two different sockets").isNotEqualTo(lines.get(1).split(" ")[1]);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
