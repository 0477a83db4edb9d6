package io.jbpf.internal.sys;

import io.jbpf.BpfException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * Number of possible CPUs: per-CPU map values hold one slot for each, as the kernel sizes them.
 *
 * <p>The kernel sizes a per-CPU value as {@code round_up(value_size, 8) * num_possible_cpus()},
 * where {@code num_possible_cpus()} is the weight of the possible-CPU mask (the number of CPUs in
 * it, not the highest CPU number + 1), and fills it with {@code for_each_possible_cpu}: slot
 * {@code i} belongs to the {@code i}-th possible CPU. On a sparse mask such as {@code 0-3,8-11}
 * that is 8 slots, slot 4 holding CPU 8. libbpf's {@code libbpf_num_possible_cpus()} counts the
 * same way.
 */
public final class PossibleCpus {
    private static final Path POSSIBLE = Path.of("/sys/devices/system/cpu/possible");
    private static volatile int count;

    private PossibleCpus() {
    }

    /** The number of CPUs in {@code /sys/devices/system/cpu/possible} (read once). */
    public static int count() {
        int n = count;
        if (n == 0) {
            try {
                n = parse(Files.readString(POSSIBLE));
            } catch (IOException e) {
                throw new BpfException("cannot read " + POSSIBLE + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new BpfException("cannot parse " + POSSIBLE + ": " + e.getMessage());
            }
            count = n;
        }
        return n;
    }

    /** Parses a cpulist such as {@code 0-3,5,7-8} into the number of CPUs it names (here 7). */
    static int parse(String list) {
        BitSet cpus = new BitSet();
        String trimmed = list.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("empty CPU list");
        }
        for (String part : trimmed.split(",")) {
            String[] range = part.split("-", -1);
            try {
                int first = Integer.parseInt(range[0].trim());
                int last = range.length == 2 ? Integer.parseInt(range[1].trim()) : first;
                if (range.length > 2 || first < 0 || last < first) {
                    throw new IllegalArgumentException("bad CPU range '" + part + "' in '" + trimmed + "'");
                }
                cpus.set(first, last + 1);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad CPU range '" + part + "' in '" + trimmed + "'", e);
            }
        }
        return cpus.cardinality();
    }
}
