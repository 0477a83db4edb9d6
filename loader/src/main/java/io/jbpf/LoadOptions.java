package io.jbpf;

import io.jbpf.spec.ProgramSpec;
import io.jbpf.uapi.ProgType;
import java.util.function.Predicate;

/**
 * How {@link BpfObject#load} treats an object.
 *
 * @param programs    which programs to load (all by default); maps are always all created, and so are the
 *                    programs the object's prog arrays are filled with ({@code .values}), which the
 *                    maps need
 * @param defaultType program type for sections whose name implies none (old-style names such as
 *                    {@code my_filter}); null means such programs are an error
 * @param logLevel    verifier log level used when a load fails (1 = the usual, 2 = every instruction)
 * @param pinRoot     bpffs directory under which pinned maps live: {@code pinRoot/<name>} for libbpf's
 *                    LIBBPF_PIN_BY_NAME, {@code pinRoot/tc/<file SHA-1>/<name>} and
 *                    {@code pinRoot/tc/globals/<name>} for iproute2's PIN_OBJECT_NS and PIN_GLOBAL_NS
 */
public record LoadOptions(Predicate<ProgramSpec> programs, ProgType defaultType, int logLevel, String pinRoot) {
    /** Where libbpf pins maps by name unless told otherwise. */
    public static final String DEFAULT_PIN_ROOT = "/sys/fs/bpf";

    public static LoadOptions defaults() {
        return new LoadOptions(p -> true, null, 1, DEFAULT_PIN_ROOT);
    }

    /** Only the programs in section {@code section}. */
    public LoadOptions onlySection(String section) {
        return new LoadOptions(p -> p.section().equals(section), defaultType, logLevel, pinRoot);
    }

    /** Only the program named {@code name}. */
    public LoadOptions onlyProgram(String name) {
        return new LoadOptions(p -> p.name().equals(name), defaultType, logLevel, pinRoot);
    }

    public LoadOptions withDefaultType(ProgType type) {
        return new LoadOptions(programs, type, logLevel, pinRoot);
    }

    public LoadOptions withLogLevel(int level) {
        return new LoadOptions(programs, defaultType, level, pinRoot);
    }

    /** Pin (and look for) pinned maps under {@code dir} instead of /sys/fs/bpf. */
    public LoadOptions withPinRoot(String dir) {
        return new LoadOptions(programs, defaultType, logLevel, dir);
    }
}
