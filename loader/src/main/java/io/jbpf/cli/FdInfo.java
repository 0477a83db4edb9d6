package io.jbpf.cli;

import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What bpftool reads beside the info structs: {@code /proc/self/fdinfo/FD} (memlock, frozen) and
 * the clock offset that turns a program's load time (since boot) into wall-clock time.
 */
final class FdInfo {
    private static final Native.Function CLOCK_GETTIME = Native.function("clock_gettime", Native.Returns.INT, 2);
    private static final int CLOCK_REALTIME = 0;
    private static final int CLOCK_BOOTTIME = 7;
    private static final DateTimeFormatter LOADED_AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ");

    private FdInfo() {
    }

    /** The {@code key: value} lines of {@code /proc/self/fdinfo/fd}; empty when /proc is not there. */
    static Map<String, String> of(int fd) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", Integer.toString(fd)))) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    out.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
                }
            }
        } catch (IOException e) {
            // no /proc: the fields it gives are left out
        }
        return out;
    }

    /** A numeric fdinfo field, or 0 when it is absent. */
    static long number(Map<String, String> info, String key) {
        try {
            return Long.parseLong(info.getOrDefault(key, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Wall-clock seconds of a time given in nanoseconds since boot: realtime minus boottime now,
     * plus that time, truncated to whole seconds, as bpftool computes {@code loaded_at}.
     */
    static long wallClockSeconds(long bootNs) {
        long offsetNs = clockNs(CLOCK_REALTIME) - clockNs(CLOCK_BOOTTIME);
        return Math.floorDiv(offsetNs + bootNs, 1_000_000_000L);
    }

    /** {@code 2026-11-27T13:47:54+0000}: bpftool's human form of a wall-clock time, in the local zone. */
    static String date(long epochSeconds) {
        return LOADED_AT.format(Instant.ofEpochSecond(epochSeconds).atZone(ZoneId.systemDefault()));
    }

    private static long clockNs(int clock) {
        NativeMemory ts = Native.allocate(16);
        if (CLOCK_GETTIME.call(clock, ts.address()) != 0) {
            throw new IllegalStateException("clock_gettime(" + clock + ") failed, errno " + Native.errno());
        }
        return ts.getLong(0) * 1_000_000_000L + ts.getLong(8);
    }
}
