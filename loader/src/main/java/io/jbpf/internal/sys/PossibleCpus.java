package io.jbpf.internal.sys;

import io.jbpf.BpfException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Number of possible CPUs: per-CPU map values hold one slot for each, as the kernel sizes them. */
public final class PossibleCpus {
    private static final Path POSSIBLE = Path.of("/sys/devices/system/cpu/possible");
    private static volatile int count;

    private PossibleCpus() {
    }

    public static int count() {
        int n = count;
        if (n == 0) {
            try {
                n = parse(Files.readString(POSSIBLE));
            } catch (IOException e) {
                throw new BpfException("cannot read " + POSSIBLE + ": " + e.getMessage());
            }
            count = n;
        }
        return n;
    }

    /** Parses a cpulist such as {@code 0-3,5,7-8} into the highest CPU number + 1. */
    static int parse(String list) {
        int max = -1;
        for (String part : list.trim().split(",")) {
            String[] range = part.split("-");
            max = Math.max(max, Integer.parseInt(range[range.length - 1].trim()));
        }
        return max + 1;
    }
}
