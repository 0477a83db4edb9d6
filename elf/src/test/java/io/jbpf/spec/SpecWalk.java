package io.jbpf.spec;

import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfFormatter;

/**
 * Everything {@code jbpf inspect} reads from a spec (sections, programs with their relocations and
 * subprograms, maps, variables, externs), plus what {@code jbpf map dump} does with the object's
 * BTF: each map's key and value formatted by their types (a global-data map's initial contents by
 * its DATASEC), and the BTF prepared for the kernel parsed back. Returns a count so the work
 * cannot be optimised away.
 */
final class SpecWalk {
    /** Map dump formats values the kernel created; larger type sizes are not worth a buffer here. */
    private static final long MAX_FORMATTED = 1 << 16;

    private SpecWalk() {
    }

    static long walk(BpfObjectSpec spec) {
        long n = spec.name().length() + spec.source().length() + spec.license().length() + spec.kernelVersion();
        n += spec.toString().length();
        for (BpfObjectSpec.SectionInfo s : spec.sections()) {
            n += s.index() + s.name().length() + s.kind().length() + s.size();
        }
        for (ProgramSpec p : spec.programs()) {
            n += p.name().length() + p.section().length() + p.sectionOffset() + p.instructionCount()
                    + p.instructions().length + p.coreRelocations() + p.toString().length();
            n += p.type() == null ? 0 : p.type().name().length();
            n += p.expectedAttachType() == null ? 0 : p.expectedAttachType().name().length();
            for (Relocation r : p.relocations()) {
                n += r.instruction() + r.kind().name().length() + r.symbol().length() + r.section().length()
                        + r.target().length() + r.offset();
            }
            n += String.join(", ", p.subprograms()).length();
            n += p.funcInfo().count() + p.funcInfo().recordSize() + p.lineInfo().count() + p.lineInfo().recordSize();
        }
        Btf btf = spec.btf().orElse(null);
        BtfFormatter formatter = btf == null ? null : new BtfFormatter(btf);
        for (MapSpec m : spec.maps().values()) {
            n += m.name().length() + m.type().kernelName().length() + m.keySize() + m.valueSize() + m.maxEntries() + m.flags().size()
                    + m.section().length() + (m.legacy() ? 1 : 0) + (m.internal() ? 1 : 0) + m.initialValues().size();
            n += m.inner() == null ? 0 : m.inner().type().kernelName().length();
            if (formatter != null) {
                n += format(btf, formatter, m.btfKeyTypeId(), null);
                n += format(btf, formatter, m.btfValueTypeId(), m.data());
            }
        }
        for (VariableSpec v : spec.variables()) {
            n += v.name().length() + v.section().length() + v.map().length() + v.offset() + v.size();
        }
        for (ExternSpec e : spec.externs()) {
            n += e.name().length() + e.kind().name().length() + e.offset() + e.size()
                    + (e.kconfig() == null ? 0 : e.kconfig().name().length());
        }
        if (spec.kernelBtf().isPresent()) {
            n += Btf.parse(spec.source() + ": kernel BTF", spec.kernelBtf().get()).typeCount();
        }
        return n;
    }

    /** {@code data} when the map has initial contents, else zeros of the type's size. */
    private static long format(Btf btf, BtfFormatter formatter, int typeId, byte[] data) {
        if (typeId == 0) {
            return 0;
        }
        if (btf.type(btf.skipQualifiers(typeId)) == null) {
            return 0;
        }
        long size = btf.sizeOf(typeId);
        if (data == null && size > MAX_FORMATTED) {
            return 0;
        }
        byte[] bytes = data != null ? data : new byte[(int) size];
        return String.valueOf(formatter.format(typeId, bytes, 0)).length();
    }
}
