package io.jbpf;

import io.jbpf.spec.ProgramSpec;
import io.jbpf.uapi.ProgType;
import io.jbpf.uapi.VerifierLogLevel;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How {@link BpfObject#load} treats an object (and {@link BpfProgram#load} a single program,
 * which uses {@code defaultType} and {@code logLevel} only).
 *
 * @param programs    which programs to load (all by default); maps are always all created, and so are the
 *                    programs the object's prog arrays are filled with ({@code .values}), which the
 *                    maps need
 * @param defaultType program type for sections whose name implies none (old-style names such as
 *                    {@code my_filter}); null means such programs are an error
 * @param logLevel    verifier log level of the second load that tells why a program was rejected
 *                    ({@link VerifierLogLevel#LEVEL1}, the usual; {@code LEVEL2} adds the register
 *                    state at every instruction)
 * @param pinRoot     bpffs directory under which pinned maps live: {@code pinRoot/<name>} for libbpf's
 *                    LIBBPF_PIN_BY_NAME, {@code pinRoot/tc/<file SHA-1>/<name>} and
 *                    {@code pinRoot/tc/globals/<name>} for iproute2's PIN_OBJECT_NS and PIN_GLOBAL_NS
 * @param freplaceTarget the loaded program whose function the object's freplace programs
 *                    ({@code SEC("freplace/<function>")}) replace; the kernel checks the extension
 *                    against that function at load. Null: none (a freplace program is then refused)
 */
public record LoadOptions(Predicate<ProgramSpec> programs, ProgType defaultType, VerifierLogLevel logLevel,
                          Path pinRoot, BpfProgram freplaceTarget) {
    /** Where libbpf pins maps by name unless told otherwise. */
    public static final Path DEFAULT_PIN_ROOT = Path.of("/sys/fs/bpf");

    /** Every component but {@code defaultType} and {@code freplaceTarget} is required. */
    public LoadOptions {
        Objects.requireNonNull(programs, "programs");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(pinRoot, "pinRoot");
    }

    /**
     * All programs, no default type, {@link VerifierLogLevel#LEVEL1}, pins under
     * {@link #DEFAULT_PIN_ROOT}, no freplace target.
     */
    public static LoadOptions defaults() {
        return new LoadOptions(p -> true, null, VerifierLogLevel.LEVEL1, DEFAULT_PIN_ROOT, null);
    }

    /** Only the programs in section {@code section}. */
    public LoadOptions onlySection(String section) {
        return new LoadOptions(p -> p.section().equals(section), defaultType, logLevel, pinRoot, freplaceTarget);
    }

    /** Only the program named {@code name}. */
    public LoadOptions onlyProgram(String name) {
        return new LoadOptions(p -> p.name().equals(name), defaultType, logLevel, pinRoot, freplaceTarget);
    }

    /** Programs whose section name implies no type load as {@code type}. */
    public LoadOptions withDefaultType(ProgType type) {
        return new LoadOptions(programs, type, logLevel, pinRoot, freplaceTarget);
    }

    /** The verifier log level of the load that tells why a program was rejected. */
    public LoadOptions withLogLevel(VerifierLogLevel level) {
        return new LoadOptions(programs, defaultType, level, pinRoot, freplaceTarget);
    }

    /** Pin (and look for) pinned maps under {@code dir} instead of /sys/fs/bpf. */
    public LoadOptions withPinRoot(Path dir) {
        return new LoadOptions(programs, defaultType, logLevel, dir, freplaceTarget);
    }

    /**
     * freplace programs replace their section's function in {@code target}, a loaded program with
     * BTF (the target's own program type is what the extension then runs as); fentry and fexit
     * programs whose section names no function ({@code SEC("fentry")}) trace {@code target}'s main
     * function.
     */
    public LoadOptions withFreplaceTarget(BpfProgram target) {
        return new LoadOptions(programs, defaultType, logLevel, pinRoot, target);
    }
}
