package io.jbpf;

import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Arch;
import io.jbpf.spec.ExternSpec;
import io.jbpf.uapi.BpfFunc;
import io.jbpf.uapi.ProgType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * The running kernel's configuration, for __kconfig externs: read from /proc/config.gz or
 * /boot/config-$(uname -r), plus libbpf's virtual {@code LINUX_*} values computed from uname and
 * probes, and rendered
 * into the .kconfig map's bytes as libbpf lays them out.
 */
final class Kconfig {
    private static final String VIRTUAL_PREFIX = "LINUX_";
    private static final Pattern RELEASE = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");
    private static Map<String, String> config;

    private Kconfig() {
    }

    /** The .kconfig map value for {@code externs} (only their KCONFIG ones), {@code size} bytes. */
    static byte[] render(String source, List<ExternSpec> externs, int size) {
        return render(source, externs, size, name -> values().get(name), Kconfig::virtual);
    }

    /**
     * The same, with the config's values and the virtual values from {@code config} and
     * {@code virtuals} (tests give their own).
     */
    static byte[] render(String source, List<ExternSpec> externs, int size, Function<String, String> config,
                         Function<String, String> virtuals) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (ExternSpec e : externs) {
            if (e.kind() != ExternSpec.Kind.KCONFIG) {
                continue;
            }
            boolean isVirtual = e.name().startsWith(VIRTUAL_PREFIX);
            String value = isVirtual ? virtuals.apply(e.name()) : config.apply(e.name());
            String where = source + ": kconfig extern '" + e.name() + "'";
            if (value == null) {
                if (!e.weak()) {
                    throw new BpfException(where + (isVirtual
                            ? " is not one of the values libbpf computes (LINUX_KERNEL_VERSION, LINUX_HAS_BPF_COOKIE, "
                                    + "LINUX_HAS_SYSCALL_WRAPPER)"
                            : " is not set in this kernel's configuration") + " (declare it __weak to read 0 instead)");
                }
                continue; // weak and absent: zero
            }
            put(b, e, value, where);
        }
        return b.array();
    }

    private static void put(ByteBuffer b, ExternSpec e, String value, String where) {
        int at = e.offset();
        boolean letter = value.equals("y") || value.equals("n") || value.equals("m");
        switch (e.kconfig()) {
            case BOOL -> {
                if (!letter || value.equals("m")) {
                    throw new BpfException(where + ": value '" + value + "' is not a bool");
                }
                b.put(at, (byte) (value.equals("y") ? 1 : 0));
            }
            case TRISTATE -> {
                if (!letter) {
                    throw new BpfException(where + ": value '" + value + "' is not a tristate");
                }
                b.putInt(at, value.equals("y") ? 1 : value.equals("m") ? 2 : 0);
            }
            case CHAR -> {
                if (!letter) {
                    throw new BpfException(where + ": value '" + value + "' is not y, n or m");
                }
                b.put(at, (byte) value.charAt(0));
            }
            case CHAR_ARRAY -> {
                if (!value.startsWith("\"") || !value.endsWith("\"") || value.length() < 2) {
                    throw new BpfException(where + ": value " + value + " is not a string");
                }
                byte[] s = value.substring(1, value.length() - 1).getBytes(StandardCharsets.UTF_8);
                b.put(at, s, 0, Math.min(s.length, e.size() - 1));
            }
            case INT, UINT -> {
                if (letter) {
                    throw new BpfException(where + ": value '" + value + "' is not a number");
                }
                long v;
                try {
                    v = value.startsWith("0x") || value.startsWith("0X") ? Long.parseUnsignedLong(value.substring(2), 16)
                            : Long.parseLong(value);
                } catch (NumberFormatException ex) {
                    throw new BpfException(where + ": value '" + value + "' is not a number");
                }
                switch (e.size()) {
                    case 1 -> b.put(at, (byte) v);
                    case 2 -> b.putShort(at, (short) v);
                    case 4 -> b.putInt(at, (int) v);
                    case 8 -> b.putLong(at, v);
                    default -> throw new BpfException(where + ": " + e.size() + "-byte integers are not supported");
                }
            }
        }
    }

    /**
     * libbpf's virtual externs: values it computes itself rather than reads from the config, named
     * {@code LINUX_*}. Null for a name libbpf does not know.
     */
    private static String virtual(String name) {
        return switch (name) {
            case "LINUX_KERNEL_VERSION" -> String.valueOf(kernelVersion());
            // libbpf probes for the helper; a kernel with BPF cookies has bpf_get_attach_cookie().
            case "LINUX_HAS_BPF_COOKIE" -> yesNo(Features.helper(ProgType.TRACEPOINT,
                    BpfFunc.GET_ATTACH_COOKIE) == Features.Support.YES);
            // Whether syscalls enter through arch wrappers (__x64_sys_bpf), which decides the name a
            // syscall kprobe must use. libbpf finds out by creating such a kprobe; the symbol in
            // kallsyms answers the same question on kernels without kprobes too.
            case "LINUX_HAS_SYSCALL_WRAPPER" -> yesNo(KernelSymbols.contains(Arch.current().syscallWrapper("bpf")));
            default -> null;
        };
    }

    private static String yesNo(boolean yes) {
        return yes ? "y" : "n";
    }

    /** KERNEL_VERSION(a, b, c) of {@code uname -r}, as libbpf computes it. */
    static int kernelVersion() {
        return kernelVersion(System.getProperty("os.version"));
    }

    /**
     * KERNEL_VERSION(a, b, c) of a release string such as {@code 6.18.44-amd64}, with the patch
     * level capped at 255; 0 when the release does not start with three numbers, as libbpf has it.
     */
    static int kernelVersion(String release) {
        Matcher m = RELEASE.matcher(release);
        if (!m.lookingAt()) {
            return 0;
        }
        try {
            int a = Integer.parseInt(m.group(1));
            int b = Integer.parseInt(m.group(2));
            int c = Integer.parseInt(m.group(3));
            return (a << 16) + (b << 8) + Math.min(c, 255);
        } catch (NumberFormatException tooLong) {
            return 0;
        }
    }

    /**
     * The running kernel's value of {@code option} ("y", "n" when not set), or null when the
     * configuration cannot be read or does not mention it: for explanations, which must not fail.
     */
    static String valueOrNull(String option) {
        try {
            return values().get(option);
        } catch (BpfException e) {
            return null;
        }
    }

    private static synchronized Map<String, String> values() {
        if (config == null) {
            config = read();
        }
        return config;
    }

    private static Map<String, String> read() {
        Path gz = Path.of("/proc/config.gz");
        Path boot = Path.of("/boot/config-" + System.getProperty("os.version"));
        try {
            if (Files.isReadable(gz)) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                    return parse(in);
                }
            }
            if (Files.isReadable(boot)) {
                try (InputStream in = Files.newInputStream(boot)) {
                    return parse(in);
                }
            }
        } catch (IOException e) {
            throw new BpfException("cannot read the kernel configuration for __kconfig externs: " + e.getMessage());
        }
        throw new BpfException("__kconfig externs need the kernel configuration, but neither " + gz + " nor " + boot
                + " exists");
    }

    static Map<String, String> parse(InputStream in) throws IOException {
        Map<String, String> out = new HashMap<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith("CONFIG_")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    out.put(line.substring(0, eq), line.substring(eq + 1));
                }
            } else if (line.startsWith("# CONFIG_") && line.endsWith(" is not set")) {
                out.put(line.substring(2, line.length() - " is not set".length()), "n");
            }
        }
        return out;
    }
}
