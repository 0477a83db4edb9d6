package io.jbpf.spec;

import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.ProgType;
import java.util.List;
import java.util.Optional;

/**
 * A program as the object file holds it: its instructions, the section it came from and the
 * references the loader must resolve, with what of its object loading it needs (license, kernel
 * version, externs, BTF), so that it can be loaded alone. Immutable; {@link #instructions()}
 * returns a copy.
 */
public final class ProgramSpec {
    /** Size of one BPF instruction ({@code struct bpf_insn}). */
    public static final int INSN_SIZE = 8;

    private final String name;
    private final String section;
    private final long sectionOffset;
    private final SectionDef def;
    private final byte[] instructions;
    private final List<Relocation> relocations;
    private final List<String> subprograms;
    private final ExtInfo funcInfo;
    private final ExtInfo lineInfo;
    private final int coreRelocations;
    private final Origin origin;

    /**
     * What a program takes from its object: shared by the object's programs, read once.
     *
     * @param kernelBtf the object's BTF as BPF_BTF_LOAD takes it, or null without BTF
     */
    record Origin(String source, String license, int kernelVersion, List<ExternSpec> externs, byte[] kernelBtf) {
    }

    ProgramSpec(String name, String section, long sectionOffset, SectionDef def, byte[] instructions,
                List<Relocation> relocations, List<String> subprograms, ExtInfo funcInfo, ExtInfo lineInfo,
                int coreRelocations, Origin origin) {
        this.name = name;
        this.section = section;
        this.sectionOffset = sectionOffset;
        this.def = def;
        this.instructions = instructions;
        this.relocations = List.copyOf(relocations);
        this.subprograms = List.copyOf(subprograms);
        this.funcInfo = funcInfo;
        this.lineInfo = lineInfo;
        this.coreRelocations = coreRelocations;
        this.origin = origin;
    }

    /** The object file it came from (its path), for messages. */
    public String source() {
        return origin.source();
    }

    /** Its object's {@code license} section; the kernel checks it for GPL-only helpers. */
    public String license() {
        return origin.license();
    }

    /** Its object's {@code version} section, or 0. */
    public int kernelVersion() {
        return origin.kernelVersion();
    }

    /**
     * Its object's externs (kconfig values, ksyms, kfuncs), in the object's order, which decides the
     * number a call to a missing weak kfunc is poisoned with; its {@link #relocations()} name them.
     */
    public List<ExternSpec> externs() {
        return origin.externs();
    }

    /**
     * Its object's BTF ready for BPF_BTF_LOAD, if the object has BTF: the types its
     * {@link #funcInfo()} and {@link #lineInfo()} refer to.
     */
    public Optional<byte[]> kernelBtf() {
        return Optional.ofNullable(origin.kernelBtf()).map(byte[]::clone);
    }

    /** The function's symbol name (or the section name for a section with no function symbol). */
    public String name() {
        return name;
    }

    /** The ELF section, e.g. {@code xdp} or {@code tracepoint/syscalls/sys_enter_openat}. */
    public String section() {
        return section;
    }

    /** Offset of the first instruction within the section. */
    public long sectionOffset() {
        return sectionOffset;
    }

    /** The program type and attach type the section name implies, or null when it implies none. */
    public SectionDef sectionDef() {
        return def;
    }

    /**
     * A copy of this program that loads as an freplace (BPF_PROG_TYPE_EXT) program in place of
     * function {@code function} of another loaded program (the load's freplace target), as
     * {@code SEC("freplace/<function>")} would, keeping the load flags of its own section (an
     * {@code xdp.frags} program stays {@code BPF_F_XDP_HAS_FRAGS}): how libxdp loads an XDP
     * program into a slot of its dispatcher. Its {@link #section()} becomes {@code freplace/<function>}.
     */
    public ProgramSpec asExtension(String function) {
        if (function == null || function.isEmpty() || function.indexOf('/') >= 0) {
            throw new io.jbpf.common.BpfException(source() + ": program " + name + ": '" + function
                    + "' is not a function name to replace");
        }
        SectionDef ext = new SectionDef(ProgType.EXT, null, def == null ? null : def.progFlags(), false);
        return new ProgramSpec(name, "freplace/" + function, sectionOffset, ext, instructions, relocations, subprograms,
                funcInfo, lineInfo, coreRelocations, origin);
    }

    /** Program type by the section name, or null when the name follows no known convention. */
    public ProgType type() {
        return def == null ? null : def.type();
    }

    /** Expected attach type by the section name, or null. */
    public AttachType expectedAttachType() {
        return def == null ? null : def.expectedAttach();
    }

    /**
     * A copy of the instructions, {@link #INSN_SIZE} bytes each, little-endian: the program's own,
     * then the subprograms it calls appended in libbpf's order, with calls already pointing at them.
     * Map and global-data references are left for the loader ({@link #relocations()}).
     */
    public byte[] instructions() {
        return instructions.clone();
    }

    /** How many instructions {@link #instructions()} holds, subprograms included. */
    public int instructionCount() {
        return instructions.length / INSN_SIZE;
    }

    /** References to maps, global data and externs, in instruction order (calls are already linked). */
    public List<Relocation> relocations() {
        return relocations;
    }

    /** Names of the subprograms appended after the program's own code, in order. */
    public List<String> subprograms() {
        return subprograms;
    }

    /** BTF function info for the linked program, or {@link ExtInfo#NONE} without .BTF.ext. */
    public ExtInfo funcInfo() {
        return funcInfo;
    }

    /** Number of CO-RE relocations in the linked program's code (jbpf cannot apply them yet). */
    public int coreRelocations() {
        return coreRelocations;
    }

    /** BTF line info for the linked program, or {@link ExtInfo#NONE} without .BTF.ext. */
    public ExtInfo lineInfo() {
        return lineInfo;
    }

    @Override
    public String toString() {
        return name + " (section " + section + ", " + instructionCount() + " insns)";
    }
}
