package io.jbpf.spec;

import io.jbpf.common.BpfException;
import io.jbpf.btf.Btf;
import io.jbpf.elf.ElfFile;
import io.jbpf.uapi.MapType;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Everything a BPF object file declares: programs, maps, license and BTF, with every reference
 * between them kept symbolic. Built from the ELF alone, never touching the kernel, so it can be
 * inspected and tested anywhere. Immutable and thread-safe.
 */
public final class BpfObjectSpec {
    /** Section of BTF-defined maps. */
    public static final String MAPS_SECTION = ".maps";
    /** Section of legacy {@code struct bpf_map_def} maps. */
    public static final String LEGACY_MAPS_SECTION = "maps";
    /** iproute2's directory under the bpffs root for tc (and, through its symlinks, xdp and ip) pins. */
    static final String IPROUTE2_DIR = "tc";
    /** iproute2's PIN_GLOBAL_NS directory under {@link #IPROUTE2_DIR}. */
    static final String IPROUTE2_GLOBALS = "globals";

    /** A section as {@code jbpf inspect} lists it. */
    public record SectionInfo(int index, String name, String kind, long size) {
    }

    private final String name;
    private final String source;
    private final String license;
    private final int kernelVersion;
    private final List<ProgramSpec> programs;
    private final Map<String, MapSpec> maps;
    private final List<VariableSpec> variables;
    private final List<ExternSpec> externs;
    private final Btf btf;
    private final byte[] kernelBtf;
    private final List<SectionInfo> sections;
    private final String fileHash;

    BpfObjectSpec(String name, String source, String license, int kernelVersion, List<ProgramSpec> programs,
                  Map<String, MapSpec> maps, List<VariableSpec> variables, List<ExternSpec> externs, Btf btf,
                  byte[] kernelBtf, List<SectionInfo> sections) {
        this.name = name;
        this.source = source;
        this.license = license;
        this.kernelVersion = kernelVersion;
        this.programs = List.copyOf(programs);
        this.maps = Collections.unmodifiableMap(new LinkedHashMap<>(maps));
        this.variables = List.copyOf(variables);
        this.externs = List.copyOf(externs);
        this.btf = btf;
        this.kernelBtf = kernelBtf;
        this.sections = List.copyOf(sections);
        this.fileHash = "";
    }

    private BpfObjectSpec(BpfObjectSpec from, Map<String, MapSpec> maps, String fileHash) {
        this(from, from.programs, maps, fileHash);
    }

    private BpfObjectSpec(BpfObjectSpec from, List<ProgramSpec> programs, Map<String, MapSpec> maps, String fileHash) {
        this.name = from.name;
        this.source = from.source;
        this.license = from.license;
        this.kernelVersion = from.kernelVersion;
        this.programs = List.copyOf(programs);
        this.maps = Collections.unmodifiableMap(new LinkedHashMap<>(maps));
        this.variables = from.variables;
        this.externs = from.externs;
        this.btf = from.btf;
        this.kernelBtf = from.kernelBtf;
        this.sections = from.sections;
        this.fileHash = fileHash;
    }

    /** Reads the object file at {@code path}. */
    public static BpfObjectSpec read(Path path) {
        return of(ElfFile.read(path));
    }

    /** Reads an object from bytes; {@code name} is used as the object name and in messages. */
    public static BpfObjectSpec parse(String name, byte[] bytes) {
        return of(ElfFile.parse(name, bytes));
    }

    private static BpfObjectSpec of(ElfFile elf) {
        return new ObjectReader(elf).read().withFileHash(elf.sha1Hex());
    }

    private BpfObjectSpec withFileHash(String hash) {
        return new BpfObjectSpec(this, maps, hash);
    }

    /**
     * The SHA-1 of the object file, in hex: iproute2's name for the object's own pin directory
     * ({@code tc/<hash>}), so that PIN_OBJECT_NS maps are shared only by loads of the same file.
     */
    public String fileHash() {
        return fileHash;
    }

    /**
     * Where map {@code m} is pinned under the bpffs directory {@code pinRoot}, by its
     * {@link MapSpec.Pinning}: {@code pinRoot/<name>} (libbpf's by-name pinning),
     * {@code pinRoot/tc/<file hash>/<name>} or {@code pinRoot/tc/globals/<name>} (iproute2's object
     * and global namespaces); empty for a map that is not pinned.
     */
    public Optional<Path> pinPath(MapSpec m, Path pinRoot) {
        return switch (m.pinning()) {
            case NONE -> Optional.empty();
            case BY_NAME -> Optional.of(pinRoot.resolve(m.name()));
            case OBJECT_NS -> Optional.of(pinRoot.resolve(IPROUTE2_DIR).resolve(fileHash).resolve(m.name()));
            case GLOBAL_NS -> Optional.of(pinRoot.resolve(IPROUTE2_DIR).resolve(IPROUTE2_GLOBALS).resolve(m.name()));
        };
    }

    /**
     * Programs that the object's prog arrays are filled with ({@code .values = { [i] = &prog }}):
     * tail-call targets, which must be loaded whenever the object is, and are not entry points.
     */
    public Set<String> tailCallTargets() {
        Set<String> out = new LinkedHashSet<>();
        for (MapSpec m : maps.values()) {
            if (m.type() == MapType.PROG_ARRAY) {
                out.addAll(new TreeMap<>(m.initialValues()).values());
            }
        }
        return Collections.unmodifiableSet(out);
    }

    /** The object name: the file name without {@code .o}. */
    public String name() {
        return name;
    }

    /** Where the object came from (the path), for messages. */
    public String source() {
        return source;
    }

    /** Contents of the {@code license} section; the kernel checks it for GPL-only helpers. */
    public String license() {
        return license;
    }

    /** Contents of the {@code version} section, or 0. */
    public int kernelVersion() {
        return kernelVersion;
    }

    /** All programs, in section and offset order. */
    public List<ProgramSpec> programs() {
        return programs;
    }

    /** The program whose function is named {@code programName}. */
    public ProgramSpec program(String programName) {
        return programs.stream().filter(p -> p.name().equals(programName)).findFirst()
                .orElseThrow(() -> new BpfException(source + ": no program named '" + programName + "'; "
                        + (programs.isEmpty() ? "the object has no programs"
                        : "programs: " + programs.stream().map(ProgramSpec::name).collect(Collectors.joining(", ")))));
    }

    /** The programs in {@code section}; fails, listing the sections there are, when there are none. */
    public List<ProgramSpec> programsInSection(String section) {
        List<ProgramSpec> found = programs.stream().filter(p -> p.section().equals(section)).toList();
        if (found.isEmpty()) {
            throw new BpfException(source + ": no program section '" + section + "'; " + (programs.isEmpty()
                    ? "the object has no programs" : "program sections: "
                    + programs.stream().map(ProgramSpec::section).distinct().collect(Collectors.joining(", "))));
        }
        return found;
    }

    /** Maps by name, in definition order. */
    public Map<String, MapSpec> maps() {
        return maps;
    }

    public Optional<MapSpec> map(String mapName) {
        return Optional.ofNullable(maps.get(mapName));
    }

    /** Global variables in the data sections, as a skeleton would expose them. */
    public List<VariableSpec> variables() {
        return variables;
    }

    /** Symbols resolved against the running kernel at load time: kconfig values, ksyms, kfuncs. */
    public List<ExternSpec> externs() {
        return externs;
    }

    /** The global variable named {@code name}. */
    public VariableSpec variable(String name) {
        return variables.stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new BpfException(source + ": no global variable named '" + name + "'; variables: "
                        + variables.stream().map(VariableSpec::name).collect(Collectors.joining(", "))));
    }

    /**
     * This object with every map except global data pinned by name ({@link MapSpec.Pinning#BY_NAME}):
     * a load with {@code LoadOptions.withPinRoot(dir)} then reuses each map pinned as {@code dir/<name>}
     * and pins the ones it creates there, as the xdp-tutorial's loader pins its maps under
     * {@code /sys/fs/bpf/<ifname>} so that a reloaded program keeps its counters.
     */
    public BpfObjectSpec withMapsPinnedByName() {
        Map<String, MapSpec> copy = new LinkedHashMap<>();
        maps.forEach((name, m) -> copy.put(name, m.internal() ? m : m.withPinning(MapSpec.Pinning.BY_NAME)));
        return new BpfObjectSpec(this, copy, fileHash);
    }

    /**
     * A copy of this spec in which global variable {@code name} starts out as {@code value}: how
     * {@code const volatile} settings in .rodata are chosen before load, as
     * {@code skel->rodata->x = ...} does with libbpf. {@code value} must be the variable's size.
     */
    public BpfObjectSpec withVariable(String name, byte[] value) {
        VariableSpec v = variable(name);
        if (value.length != v.size()) {
            throw new BpfException(source + ": variable '" + name + "' is " + v.size() + " bytes, not " + value.length);
        }
        MapSpec m = maps.get(v.map());
        byte[] data = m.data();
        System.arraycopy(value, 0, data, (int) v.offset(), value.length);
        Map<String, MapSpec> copy = new LinkedHashMap<>(maps);
        copy.put(m.name(), m.withData(data));
        return new BpfObjectSpec(this, copy, fileHash);
    }

    /**
     * A copy of this spec in which program {@code programName} loads as an freplace extension of
     * function {@code function} of the load's freplace target ({@code LoadOptions.withFreplaceTarget}),
     * see {@link ProgramSpec#asExtension}: how an XDP program is loaded into a slot of libxdp's
     * multi-program dispatcher. The other programs are unchanged.
     */
    public BpfObjectSpec withExtension(String programName, String function) {
        ProgramSpec target = program(programName);
        List<ProgramSpec> copy = programs.stream().map(p -> p == target ? p.asExtension(function) : p).toList();
        return new BpfObjectSpec(this, copy, maps, fileHash);
    }

    /** The object's BTF as written by clang, if it has a {@code .BTF} section. */
    public Optional<Btf> btf() {
        return Optional.ofNullable(btf);
    }

    /** BTF ready for BPF_BTF_LOAD (DATASEC sizes and offsets filled in), if the object has BTF. */
    public Optional<byte[]> kernelBtf() {
        return Optional.ofNullable(kernelBtf).map(byte[]::clone);
    }

    public List<SectionInfo> sections() {
        return sections;
    }

    @Override
    public String toString() {
        return "BpfObjectSpec[" + source + ": " + programs.size() + " programs, " + maps.size() + " maps]";
    }
}
