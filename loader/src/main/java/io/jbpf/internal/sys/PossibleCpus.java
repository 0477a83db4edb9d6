package io.jbpf.internal.sys;

import io.jbpf.common.BpfException;
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
    /** Far above any NR_CPUS the kernel allows (8192 on x86-64): a larger number is a bad list. */
    private static final int MAX_CPU = 1 << 16;
    private static volatile int[] ids;

    private PossibleCpus() {
    }

    /** The number of CPUs in {@code /sys/devices/system/cpu/possible} (read once). */
    public static int count() {
        return ids().length;
    }

    /**
     * The possible CPUs' numbers in order: slot {@code i} of a per-CPU value belongs to CPU
     * {@code ids()[i]}. A copy; read once.
     */
    public static int[] ids() {
        int[] n = ids;
        if (n == null) {
            try {
                n = parseIds(Files.readString(POSSIBLE));
            } catch (IOException e) {
                throw new BpfException("cannot read " + POSSIBLE + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new BpfException("cannot parse " + POSSIBLE + ": " + e.getMessage());
            }
            ids = n;
        }
        return n.clone();
    }

    /** Parses a cpulist such as {@code 0-3,5,7-8} into the number of CPUs it names (here 7). */
    static int parse(String list) {
        return parseIds(list).length;
    }

    /** Parses a cpulist such as {@code 0-3,8} into the CPU numbers it names, ascending. */
    static int[] parseIds(String list) {
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
                if (range.length > 2 || first < 0 || last < first || last >= MAX_CPU) {
                    throw new IllegalArgumentException("bad CPU range '" + part + "' in '" + trimmed + "'");
                }
                cpus.set(first, last + 1);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad CPU range '" + part + "' in '" + trimmed + "'", e);
            }
        }
        return cpus.stream().toArray();
    }

    // --- tracing ---

    /**
     * The CPUs online now ({@code /sys/devices/system/cpu/online}), ascending: where a per-CPU
     * perf event can be opened. Read on every call, as CPUs come and go.
     */
    public static int[] online() {
        Path online = Path.of("/sys/devices/system/cpu/online");
        try {
            return parseIds(Files.readString(online));
        } catch (IOException e) {
            throw new BpfException("cannot read " + online + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new BpfException("cannot parse " + online + ": " + e.getMessage());
        }
    }
}
