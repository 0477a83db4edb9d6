package io.jbpf.spec;

import io.jbpf.BpfException;
import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfKind;
import io.jbpf.btf.BtfType;
import io.jbpf.elf.ElfFile;
import io.jbpf.elf.ElfFormatException;
import io.jbpf.elf.ElfRelocation;
import io.jbpf.elf.ElfSection;
import io.jbpf.elf.ElfSymbol;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns an {@link ElfFile} into a {@link BpfObjectSpec}: programs, maps, relocations, BTF. */
final class ObjectReader {
    private static final int OP_LD_IMM64 = 0x18;
    private static final int OP_CALL = 0x85;
    private static final int BPF_PSEUDO_CALL = 1;
    /** Fields of {@code struct bpf_map_def}: type, key_size, value_size, max_entries, map_flags. */
    private static final int LEGACY_DEF_MIN = 20;
    /** iproute2's {@code struct bpf_elf_map} adds id, pinning, inner_id, inner_idx. */
    private static final int LEGACY_DEF_ELF_MAP = 36;

    private final ElfFile elf;
    private final String source;
    private final Btf btf;

    ObjectReader(ElfFile elf) {
        this.elf = elf;
        this.source = elf.name();
        this.btf = elf.section(".BTF").map(s -> Btf.parse(source + ": .BTF", elf.contents(s))).orElse(null);
    }

    BpfObjectSpec read() {
        Map<String, MapSpec> maps = new LinkedHashMap<>();
        readBtfMaps(maps);
        readLegacyMaps(maps);
        List<ProgramSpec> programs = readPrograms(maps);
        byte[] kernelBtf = btf == null ? null : btf.withDatasecLayout(new Btf.DatasecLayout() {
            @Override
            public long sectionSize(String section) {
                return elf.section(section).map(ElfSection::size).orElse(-1L);
            }

            @Override
            public long variableOffset(String section, String var) {
                return elf.section(section).flatMap(s -> elf.symbols().stream()
                        .filter(y -> y.sectionIndex() == s.index() && y.name().equals(var)).findFirst())
                        .map(ElfSymbol::value).orElse(-1L);
            }
        });
        List<BpfObjectSpec.SectionInfo> sections = new ArrayList<>();
        for (ElfSection s : elf.sections()) {
            if (s.index() > 0) {
                sections.add(new BpfObjectSpec.SectionInfo(s.index(), s.name(), sectionKind(s), s.size()));
            }
        }
        return new BpfObjectSpec(objectName(), source, readString("license"), readVersion(), programs, maps, btf,
                kernelBtf, sections);
    }

    private String objectName() {
        Path fileName = Path.of(source).getFileName();
        String file = fileName == null ? source : fileName.toString();
        return file.endsWith(".o") ? file.substring(0, file.length() - 2) : file;
    }

    private String readString(String section) {
        return elf.section(section).map(s -> {
            byte[] b = elf.contents(s);
            int n = 0;
            while (n < b.length && b[n] != 0) {
                n++;
            }
            return new String(b, 0, n, StandardCharsets.UTF_8);
        }).orElse("");
    }

    private int readVersion() {
        return elf.section("version").filter(s -> s.size() >= 4)
                .map(s -> ByteBuffer.wrap(elf.contents(s)).order(ByteOrder.LITTLE_ENDIAN).getInt(0)).orElse(0);
    }

    // ---- maps -------------------------------------------------------------------------------

    private void readBtfMaps(Map<String, MapSpec> maps) {
        ElfSection sec = elf.section(BpfObjectSpec.MAPS_SECTION).orElse(null);
        if (sec == null) {
            return;
        }
        if (btf == null) {
            throw new BpfException(source + ": section .maps holds BTF-defined maps but the object has no .BTF; "
                    + "build it with clang -g");
        }
        BtfType datasec = btf.find(BtfKind.DATASEC, BpfObjectSpec.MAPS_SECTION).orElseThrow(() ->
                new BpfException(source + ": .BTF has no DATASEC for section .maps"));
        for (BtfType.Member v : datasec.members()) {
            BtfType var = btf.type(v.type());
            if (var == null || var.kind() != BtfKind.VAR) {
                throw new BpfException(source + ": .maps DATASEC entry " + v.type() + " is not a variable");
            }
            String name = var.name();
            ElfSymbol sym = symbolIn(sec, name);
            if (sym == null) {
                throw new BpfException(source + ": map '" + name + "' has BTF but no symbol in section .maps");
            }
            maps.put(name, btfMap(name, sym.value(), var.type()));
        }
    }

    private MapSpec btfMap(String name, long offset, int defType) {
        BtfType def = btf.type(btf.skipQualifiers(defType));
        String where = source + ": map '" + name + "'";
        if (def == null || def.kind() != BtfKind.STRUCT) {
            throw new BpfException(where + ": definition is not a struct (BTF " + def + ")");
        }
        int type = 0;
        int keySize = 0;
        int valueSize = 0;
        int maxEntries = 0;
        int flags = 0;
        int numa = 0;
        int pinning = 0;
        long extra = 0;
        int keyId = 0;
        int valueId = 0;
        for (BtfType.Member m : def.members()) {
            switch (m.name()) {
                case "type" -> type = uintField(where, m);
                case "max_entries" -> maxEntries = uintField(where, m);
                case "map_flags" -> flags = uintField(where, m);
                case "numa_node" -> numa = uintField(where, m);
                case "pinning" -> pinning = uintField(where, m);
                case "map_extra" -> extra = ulongField(where, m);
                case "key_size" -> keySize = checkSize(where, "key", keySize, uintField(where, m));
                case "value_size" -> valueSize = checkSize(where, "value", valueSize, uintField(where, m));
                case "key" -> {
                    keyId = pointee(where, m);
                    keySize = checkSize(where, "key", keySize, (int) btf.sizeOf(keyId));
                }
                case "value" -> {
                    valueId = pointee(where, m);
                    valueSize = checkSize(where, "value", valueSize, (int) btf.sizeOf(valueId));
                }
                case "values" -> throw new BpfException(where + ": initial 'values' (prog arrays, map-in-map) "
                        + "are not supported by this jbpf version");
                default -> throw new BpfException(where + ": unknown field '" + m.name() + "' in map definition");
            }
        }
        return new MapSpec(name, BpfObjectSpec.MAPS_SECTION, offset, type, keySize, valueSize, maxEntries, flags,
                numa, extra, pinning, keyId, valueId);
    }

    private static int checkSize(String where, String what, int previous, int size) {
        if (previous != 0 && previous != size) {
            throw new BpfException(where + ": " + what + " size " + previous + " conflicts with " + what + " type size " + size);
        }
        return size;
    }

    /** {@code __uint(name, n)} is {@code int (*name)[n]}: a pointer to an array of n elements. */
    private int uintField(String where, BtfType.Member m) {
        BtfType ptr = btf.type(btf.skipQualifiers(m.type()));
        BtfType arr = ptr == null || ptr.kind() != BtfKind.PTR ? null : btf.type(btf.skipQualifiers(ptr.type()));
        if (arr == null || arr.kind() != BtfKind.ARRAY) {
            throw new BpfException(where + ": field '" + m.name() + "' is not written as __uint(" + m.name() + ", N)");
        }
        return arr.array().nelems();
    }

    /** {@code __ulong(name, n)} is an anonymous enum holding n; older headers use __uint. */
    private long ulongField(String where, BtfType.Member m) {
        BtfType t = btf.type(btf.skipQualifiers(m.type()));
        if (t != null && (t.kind() == BtfKind.ENUM || t.kind() == BtfKind.ENUM64) && t.members().size() == 1) {
            return t.members().get(0).offset();
        }
        return Integer.toUnsignedLong(uintField(where, m));
    }

    /** {@code __type(name, T)} is {@code T *name}: the key/value type is the pointee. */
    private int pointee(String where, BtfType.Member m) {
        BtfType ptr = btf.type(btf.skipQualifiers(m.type()));
        if (ptr == null || ptr.kind() != BtfKind.PTR) {
            throw new BpfException(where + ": field '" + m.name() + "' is not written as __type(" + m.name() + ", T)");
        }
        return ptr.type();
    }

    private void readLegacyMaps(Map<String, MapSpec> maps) {
        ElfSection sec = elf.section(BpfObjectSpec.LEGACY_MAPS_SECTION).orElse(null);
        if (sec == null) {
            return;
        }
        List<ElfSymbol> syms = elf.symbols().stream()
                .filter(y -> y.sectionIndex() == sec.index() && y.type() != ElfSymbol.STT_SECTION && !y.name().isEmpty())
                .sorted(Comparator.comparingLong(ElfSymbol::value)).toList();
        if (syms.isEmpty()) {
            if (sec.size() == 0) {
                return;
            }
            throw new BpfException(source + ": section maps has " + sec.size() + " bytes but no map symbols");
        }
        // Old loaders give every definition the same size: the section divided by the map count.
        long defSize = sec.size() / syms.size();
        if (sec.size() % syms.size() != 0 || defSize < LEGACY_DEF_MIN || defSize % 4 != 0) {
            throw new BpfException(source + ": section maps is " + sec.size() + " bytes for " + syms.size()
                    + " maps, which is no whole struct bpf_map_def each (at least " + LEGACY_DEF_MIN + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(elf.contents(sec)).order(ByteOrder.LITTLE_ENDIAN);
        for (ElfSymbol s : syms) {
            String where = source + ": legacy map '" + s.name() + "'";
            if (s.value() < 0 || s.value() % defSize != 0 || s.value() > sec.size() - defSize) {
                throw new BpfException(where + ": at offset " + s.value() + ", not on a " + defSize + "-byte definition");
            }
            int at = (int) s.value();
            int pinning = defSize >= 28 ? b.getInt(at + 24) : 0;
            for (int extra = LEGACY_DEF_ELF_MAP; extra < defSize; extra++) {
                if (b.get(at + extra) != 0) {
                    throw new BpfException(where + ": definition has non-zero bytes beyond the fields jbpf knows "
                            + "(offset " + extra + " of " + defSize + ")");
                }
            }
            if (defSize >= LEGACY_DEF_ELF_MAP && (b.getInt(at + 28) != 0 || b.getInt(at + 32) != 0)) {
                throw new BpfException(where + ": iproute2 inner-map fields (inner_id, inner_idx) are not supported");
            }
            if (maps.containsKey(s.name())) {
                throw new BpfException(where + ": defined twice");
            }
            maps.put(s.name(), new MapSpec(s.name(), BpfObjectSpec.LEGACY_MAPS_SECTION, s.value(), b.getInt(at),
                    b.getInt(at + 4), b.getInt(at + 8), b.getInt(at + 12), b.getInt(at + 16), 0, 0, pinning, 0, 0));
        }
    }

    // ---- programs ---------------------------------------------------------------------------

    private List<ProgramSpec> readPrograms(Map<String, MapSpec> maps) {
        Map<Integer, List<ElfRelocation>> relsByTarget = new HashMap<>();
        for (ElfSection s : elf.sections()) {
            if (s.type() == ElfSection.SHT_REL) {
                relsByTarget.computeIfAbsent(s.info(), k -> new ArrayList<>()).addAll(elf.relocations(s));
            }
        }
        List<ProgramSpec> out = new ArrayList<>();
        for (ElfSection sec : elf.sections()) {
            if (!sec.isExecutable() || sec.size() == 0 || sec.name().equals(".text")) {
                continue;
            }
            SectionDef def = SectionNames.classify(sec.name()).orElse(null);
            byte[] code = elf.contents(sec);
            List<ElfSymbol> funcs = elf.symbols().stream()
                    .filter(y -> y.sectionIndex() == sec.index() && y.type() == ElfSymbol.STT_FUNC
                            && y.binding() != ElfSymbol.STB_LOCAL)
                    .sorted(Comparator.comparingLong(ElfSymbol::value)).toList();
            List<ElfRelocation> rels = relsByTarget.getOrDefault(sec.index(), List.of());
            if (funcs.isEmpty()) {
                // Hand-written or very old objects: the whole section is one program.
                out.add(program(sec.name(), sec, 0, code.length, def, code, rels, maps));
                continue;
            }
            for (ElfSymbol f : funcs) {
                if (f.value() < 0 || f.size() <= 0 || f.value() % ProgramSpec.INSN_SIZE != 0
                        || f.size() % ProgramSpec.INSN_SIZE != 0 || f.size() > code.length
                        || f.value() > code.length - f.size()) {
                    throw new ElfFormatException(source, "program '" + f.name() + "' in section " + sec.name()
                            + " has offset " + f.value() + " and size " + f.size()
                            + ", which is not a whole run of instructions inside the " + code.length + "-byte section");
                }
                out.add(program(f.name(), sec, (int) f.value(), (int) f.size(), def, code, rels, maps));
            }
        }
        return out;
    }

    private ProgramSpec program(String name, ElfSection sec, int start, int size, SectionDef def, byte[] code,
                                List<ElfRelocation> rels, Map<String, MapSpec> maps) {
        if (size % ProgramSpec.INSN_SIZE != 0) {
            throw new ElfFormatException(source, "section " + sec.name() + " is " + size
                    + " bytes, not a whole number of 8-byte instructions");
        }
        byte[] insns = Arrays.copyOfRange(code, start, start + size);
        String where = source + ": section " + sec.name() + ", program " + name;
        List<Relocation> out = new ArrayList<>();
        Set<Integer> relocated = new HashSet<>();
        for (ElfRelocation r : rels) {
            if (r.offset() < start || r.offset() >= start + size) {
                continue;
            }
            if ((r.offset() - start) % ProgramSpec.INSN_SIZE != 0) {
                throw new ElfFormatException(source, "section " + sec.name() + ": relocation at offset " + r.offset()
                        + " is not on an instruction boundary");
            }
            int idx = (int) ((r.offset() - start) / ProgramSpec.INSN_SIZE);
            out.add(relocation(where, idx, insns, r, maps));
            relocated.add(idx);
        }
        // A call to a static function in the same section may be resolved by clang with no
        // relocation; it still needs the loader to append the callee.
        for (int i = 0; i < insns.length / ProgramSpec.INSN_SIZE; i++) {
            int op = insns[i * 8] & 0xff;
            int src = (insns[i * 8 + 1] >>> 4) & 0xf;
            if (op == OP_CALL && src == BPF_PSEUDO_CALL && !relocated.contains(i)) {
                long target = (long) (i + 1 + imm(insns, i)) * ProgramSpec.INSN_SIZE + start;
                out.add(new Relocation(i, Relocation.Kind.CALL, "", sec.name(), sec.name(), target));
            }
        }
        out.sort(Comparator.comparingInt(Relocation::instruction));
        return new ProgramSpec(name, sec.name(), start, def, insns, out);
    }

    private Relocation relocation(String where, int idx, byte[] insns, ElfRelocation r, Map<String, MapSpec> maps) {
        ElfSymbol sym = elf.symbol(r.symbolIndex());
        String symName = sym.name().isEmpty() ? "<section symbol>" : sym.name();
        String at = where + ", instruction " + idx + ", symbol '" + symName + "'";
        int op = insns[idx * 8] & 0xff;
        if (sym.sectionIndex() == ElfSymbol.SHN_UNDEF) {
            return new Relocation(idx, Relocation.Kind.EXTERN, sym.name(), "", sym.name(), 0);
        }
        if (sym.sectionIndex() >= 0xff00) {
            throw new BpfException(at + ": relocation against special section index " + sym.sectionIndex());
        }
        ElfSection target = elf.section(sym.sectionIndex());
        boolean sectionSym = sym.type() == ElfSymbol.STT_SECTION;
        switch (r.type()) {
            case ElfRelocation.R_BPF_64_64 -> {
                if (op != OP_LD_IMM64 || (idx + 1) * 8 >= insns.length) {
                    throw new BpfException(at + ": R_BPF_64_64 relocation on an instruction that is not ld_imm64 "
                            + String.format("(opcode 0x%02x)", op));
                }
                long offset = (sectionSym ? 0 : sym.value()) + imm(insns, idx);
                if (target.name().equals(BpfObjectSpec.MAPS_SECTION) || target.name().equals(BpfObjectSpec.LEGACY_MAPS_SECTION)) {
                    MapSpec map = maps.values().stream()
                            .filter(m -> m.section().equals(target.name()) && m.offset() == offset).findFirst()
                            .orElseThrow(() -> new BpfException(at + ": no map at offset " + offset + " of section "
                                    + target.name()));
                    return new Relocation(idx, Relocation.Kind.MAP, sym.name(), target.name(), map.name(), 0);
                }
                if (isDataSection(target)) {
                    return new Relocation(idx, Relocation.Kind.DATA, sym.name(), target.name(), target.name(), offset);
                }
                if (target.isExecutable()) {
                    return new Relocation(idx, Relocation.Kind.CALL, sym.name(), target.name(), target.name(), offset);
                }
            }
            case ElfRelocation.R_BPF_64_32 -> {
                if (op != OP_CALL) {
                    throw new BpfException(at + ": R_BPF_64_32 relocation on an instruction that is not a call "
                            + String.format("(opcode 0x%02x)", op));
                }
                if (target.isExecutable()) {
                    long offset = sectionSym ? (long) (imm(insns, idx) + 1) * ProgramSpec.INSN_SIZE : sym.value();
                    return new Relocation(idx, Relocation.Kind.CALL, sym.name(), target.name(), target.name(), offset);
                }
            }
            default -> throw new BpfException(at + ": unsupported relocation type " + r.type());
        }
        throw new BpfException(at + ": relocation against section '" + target.name()
                + "', which holds no maps, data or code");
    }

    private static boolean isDataSection(ElfSection s) {
        String n = s.name();
        return n.equals(".data") || n.startsWith(".data.") || n.equals(".bss") || n.startsWith(".bss.")
                || n.equals(".rodata") || n.startsWith(".rodata.") || n.equals(".kconfig");
    }

    private static int imm(byte[] insns, int idx) {
        return ByteBuffer.wrap(insns, idx * 8 + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private ElfSymbol symbolIn(ElfSection sec, String name) {
        return elf.symbols().stream().filter(y -> y.sectionIndex() == sec.index() && y.name().equals(name))
                .findFirst().orElse(null);
    }

    private static String sectionKind(ElfSection s) {
        if (s.isExecutable()) {
            return s.name().equals(".text") ? "text" : "program";
        }
        return switch (s.type()) {
            case ElfSection.SHT_PROGBITS -> s.name().equals(BpfObjectSpec.MAPS_SECTION)
                    || s.name().equals(BpfObjectSpec.LEGACY_MAPS_SECTION) ? "maps" : "data";
            case ElfSection.SHT_NOBITS -> "bss";
            case ElfSection.SHT_SYMTAB -> "symtab";
            case ElfSection.SHT_STRTAB -> "strtab";
            case ElfSection.SHT_REL -> "rel";
            default -> "type " + s.type();
        };
    }
}
