package io.jbpf.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.uapi.MapType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests that need the real kernel: root, bpf(2), netns. With JBPF_REQUIRE_KERNEL=1 (CI)
 * a missing capability fails the test; elsewhere the test is skipped with the reason.
 */
public final class Kernel {
    private static String missing;
    private static boolean checked;

    private Kernel() {
    }

    public static synchronized void require() {
        if (!checked) {
            checked = true;
            missing = probe();
        }
        if (missing == null) {
            return;
        }
        if ("1".equals(System.getenv("JBPF_REQUIRE_KERNEL"))) {
            fail("kernel test cannot run (JBPF_REQUIRE_KERNEL=1): " + missing);
        }
        Assumptions.abort("kernel test skipped: " + missing);
    }

    private static String probe() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not running as root";
        }
        int fd = BpfSyscall.mapCreate(new BpfSyscall.MapCreateAttr(MapType.ARRAY.value, 4, 4, 1, 0,
                "jbpf_probe", 0, 0, 0, 0, 0, 0));
        if (fd < 0) {
            return "bpf(BPF_MAP_CREATE) failed with errno " + -fd;
        }
        Native.closeQuietly(fd);
        if (Sh.run("ip", "-V").exit() != 0) {
            return "iproute2 (ip) is not installed";
        }
        if (!Files.isRegularFile(Objects.path("xdp_pass.o"))) {
            return "BPF objects not built in " + Objects.path("");
        }
        return null;
    }

    /**
     * The running kernel's value of {@code option} ("n" when not set), from /proc/config.gz or
     * else /boot/config-$(uname -r) (Debian's kernels have only the latter): read here
     * independently of the loader, so tests compare jbpf's answer with the kernel's own file.
     */
    public static String config(String option) throws IOException {
        Path gz = Path.of("/proc/config.gz");
        try (BufferedReader r = Files.exists(gz)
                ? new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of("/boot/config-" + System.getProperty("os.version")))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(option + "=")) {
                    return line.substring(option.length() + 1);
                }
            }
        }
        return "n";
    }

    /** KERNEL_VERSION(a, b, c) of {@code uname -r}, the patch level capped at 255 as libbpf does. */
    public static long versionCode() {
        String[] release = System.getProperty("os.version").split("[^0-9]+");
        return (Long.parseLong(release[0]) << 16) + (Long.parseLong(release[1]) << 8)
                + Math.min(255, Long.parseLong(release[2]));
    }

    /** Where the repository is (for ./jbpf and testenv/testenv.sh). */
    public static Path root() {
        return Path.of(System.getProperty("jbpf.root", "..")).toAbsolutePath().normalize();
    }
}
