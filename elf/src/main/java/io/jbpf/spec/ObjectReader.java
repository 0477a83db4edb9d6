package io.jbpf.spec;

import io.jbpf.common.BpfException;
import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfExt;
import io.jbpf.btf.BtfKind;
import io.jbpf.btf.BtfPatcher;
import io.jbpf.btf.BtfType;
import io.jbpf.elf.ElfFile;
import io.jbpf.elf.ElfFormatException;
import io.jbpf.elf.ElfRelocation;
import io.jbpf.elf.ElfSection;
import io.jbpf.elf.ElfSymbol;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.MapType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Turns an {@link ElfFile} into a {@link BpfObjectSpec}: programs, maps, relocations, BTF. */
final class ObjectReader {
    private static final int OP_LD_IMM64 = 0x18;
    private static final int OP_CALL = 0x85;
    private static final int BPF_PSEUDO_CALL = 1;
    private static final int BPF_PSEUDO_FUNC = 4;
    /** Fields of {@code struct bpf_map_def}: type, key_size, value_size, max_entries, map_flags. */
    private static final int LEGACY_DEF_MIN = 20;
    /** iproute2's {@code struct bpf_elf_map} adds id, pinning, inner_id, inner_idx. */
    private static final int LEGACY_DEF_ELF_MAP = 36;

    private final ElfFile elf;
    private final String source;
    private final Btf btf;
    private final BtfExt ext;
    private final Map<String, ExternSpec> externs = new LinkedHashMap<>();

    ObjectReader(ElfFile elf) {
        this.elf = elf;
        this.source = elf.name();
        this.btf = elf.section(".BTF").map(s -> Btf.parse(source + ": .BTF", elf.contents(s))).orElse(null);
        this.ext = btf == null ? null
                : elf.section(".BTF.ext").map(s -> BtfExt.parse(source + ": .BTF.ext", elf.contents(s), btf)).orElse(null);
    }

    BpfObjectSpec read() {
        Map<String, MapSpec> maps = new LinkedHashMap<>();
        readBtfMaps(maps);
        readLegacyMaps(maps);
        Map<Integer, String> dataMapBySection = new HashMap<>();
        readDataMaps(maps, dataMapBySection);
        String kconfigMap = readExterns(maps);
        // Before the programs: each program carries what loading it alone needs (ProgramSpec.Origin).
        byte[] kernelBtf = btf == null ? null : fixExternBtf(btf.withDatasecLayout(new Btf.DatasecLayout() {
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
        }));
        String license = readString("license");
        int version = readVersion();
        List<ExternSpec> externList = List.copyOf(externs.values());
        ProgramSpec.Origin origin = new ProgramSpec.Origin(source, license, version, externList, kernelBtf);
        List<ProgramSpec> programs = readPrograms(maps, dataMapBySection, kconfigMap, origin);
        List<BpfObjectSpec.SectionInfo> sections = new ArrayList<>();
        for (ElfSection s : elf.sections()) {
            if (s.index() > 0) {
                sections.add(new BpfObjectSpec.SectionInfo(s.index(), s.name(), sectionKind(s), s.size()));
            }
        }
        return new BpfObjectSpec(objectName(), source, license, version, programs, maps,
                readVariables(dataMapBySection), externList, btf, kernelBtf, sections);
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
        // .values = { [i] = &x } in a map definition: pointers that .rel.maps fills in.
        List<ElfRelocation> slotRels = new ArrayList<>();
        for (ElfSection s : elf.sections()) {
            if (s.type() == ElfSection.SHT_REL && s.info() == sec.index()) {
                slotRels.addAll(elf.relocations(s));
            }
        }
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
            maps.put(name, btfMap(name, sym.value(), sym.size(), var.type(), slotRels, true));
        }
    }

    private MapSpec btfMap(String name, long offset, long symSize, int defType, List<ElfRelocation> slotRels,
                           boolean outer) {
        BtfType def = btf.type(btf.skipQualifiers(defType));
        String where = source + ": map '" + name + "'";
        if (def == null || def.kind() != BtfKind.STRUCT) {
            throw new BpfException(where + ": definition is not a struct (BTF " + def + ")");
        }
        int rawType = 0;
        int keySize = 0;
        int valueSize = 0;
        int maxEntries = 0;
        int rawFlags = 0;
        int numa = 0;
        int pinning = 0;
        long extra = 0;
        int keyId = 0;
        int valueId = 0;
        BtfType.Member values = null;
        for (BtfType.Member m : def.members()) {
            switch (m.name()) {
                case "type" -> rawType = uintField(where, m);
                case "max_entries" -> maxEntries = uintField(where, m);
                case "map_flags" -> rawFlags = uintField(where, m);
                case "numa_node" -> numa = uintField(where, m);
                case "pinning" -> pinning = uintField(where, m);
                case "map_extra" -> extra = ulongField(where, m);
                case "key_size" -> keySize = checkSize(where, "key", keySize, uintField(where, m));
                case "value_size" -> valueSize = checkSize(where, "value", valueSize, uintField(where, m));
                case "key" -> {
                    keyId = pointee(where, m);
                    keySize = checkSize(where, "key", keySize, typeSize(where, "key", keyId));
                }
                case "value" -> {
                    valueId = pointee(where, m);
                    valueSize = checkSize(where, "value", valueSize, typeSize(where, "value", valueId));
                }
                case "values" -> values = m;
                default -> throw new BpfException(where + ": unknown field '" + m.name() + "' in map definition");
            }
        }
        MapType type = mapType(where, rawType);
        MapSpec inner = null;
        Map<Integer, String> slots = Map.of();
        if (values != null) {
            boolean progArray = type == MapType.PROG_ARRAY;
            boolean mapInMap = type == MapType.ARRAY_OF_MAPS || type == MapType.HASH_OF_MAPS;
            if (!outer || !progArray && !mapInMap) {
                throw new BpfException(where + ": 'values' is only for prog arrays and outer maps of maps");
            }
            BtfType arr = btf.type(btf.skipQualifiers(values.type()));
            BtfType ptr = arr == null || arr.kind() != BtfKind.ARRAY ? null : btf.type(btf.skipQualifiers(arr.array().elemType()));
            BtfType target = ptr == null || ptr.kind() != BtfKind.PTR ? null : btf.type(btf.skipQualifiers(ptr.type()));
            if (target == null || target.kind() != (progArray ? BtfKind.FUNC_PROTO : BtfKind.STRUCT)) {
                throw new BpfException(where + ": 'values' is not written as __array(values, "
                        + (progArray ? "int (void *)" : "struct { inner map definition }") + ")");
            }
            if (mapInMap) {
                inner = btfMap(name + ".inner", 0, 0, target.id(), List.of(), false);
            }
            // Slots hold a program or map fd.
            valueSize = checkSize(where, "value", valueSize, 4);
            slots = slots(where, offset, symSize, values.offset() / 8, maxEntries, slotRels);
        }
        return new MapSpec(name, BpfObjectSpec.MAPS_SECTION, offset, type, keySize, valueSize, maxEntries,
                MapFlag.fromBits(where, rawFlags), numa, extra, MapSpec.Pinning.ofLibbpf(where, pinning), keyId, valueId, inner, slots, null);
    }

    /**
     * The map type a definition names. A number this jbpf does not know is refused here, when the
     * object is read, rather than passed on: jbpf could not say what the map is, nor size it.
     */
    private static MapType mapType(String where, int value) {
        MapType t = MapType.of(value);
        if (t == null) {
            MapType[] known = MapType.values();
            throw new BpfException(where + ": map type " + Integer.toUnsignedString(value) + " is not one this jbpf knows "
                    + "(newer than this jbpf? it knows up to " + known[known.length - 1].kernelName() + " = "
                    + known[known.length - 1].value + ")");
        }
        return t;
    }

    /** Initial slots of a map from the .rel.maps entries that fall inside its 'values' array. */
    private Map<Integer, String> slots(String where, long mapOffset, long symSize, long valuesOffset, int maxEntries,
                                       List<ElfRelocation> rels) {
        Map<Integer, String> out = new java.util.TreeMap<>();
        long from = mapOffset + valuesOffset;
        for (ElfRelocation r : rels) {
            if (r.offset() < from || r.offset() >= mapOffset + Math.max(symSize, valuesOffset + 8)) {
                continue;
            }
            if ((r.offset() - from) % 8 != 0) {
                throw new BpfException(where + ": initial value at offset " + r.offset() + " is not a pointer slot");
            }
            long slot = (r.offset() - from) / 8;
            if (slot >= maxEntries) {
                throw new BpfException(where + ": initial value in slot " + slot + " beyond max_entries " + maxEntries);
            }
            ElfSymbol target = elf.symbol(r.symbolIndex());
            if (target.name().isEmpty()) {
                throw new BpfException(where + ": initial value in slot " + slot + " refers to no named symbol");
            }
            out.put((int) slot, target.name());
        }
        return out;
    }

    /** The size of a key or value type; a map's sizes are ints, so a larger type is an error, not a wrap-around. */
    private int typeSize(String where, String what, int typeId) {
        long size = btf.sizeOf(typeId);
        if (size > Integer.MAX_VALUE) {
            throw new BpfException(where + ": " + what + " type is " + size + " bytes, larger than any map " + what);
        }
        return (int) size;
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
            maps.put(s.name(), new MapSpec(s.name(), BpfObjectSpec.LEGACY_MAPS_SECTION, s.value(), mapType(where, b.getInt(at)),
                    b.getInt(at + 4), b.getInt(at + 8), b.getInt(at + 12), MapFlag.fromBits(where, b.getInt(at + 16)), 0, 0,
                    MapSpec.Pinning.ofIproute2(where, pinning), 0, 0));
        }
    }

    // ---- global data --------------------------------------------------------------------------

    /** libbpf's internal maps: one single-entry array per data section, holding the section. */
    private void readDataMaps(Map<String, MapSpec> maps, Map<Integer, String> dataMapBySection) {
        for (ElfSection s : elf.sections()) {
            boolean data = s.type() == ElfSection.SHT_PROGBITS && !s.isExecutable() && s.size() > 0
                    && (isPrefixed(s.name(), ".data") || isPrefixed(s.name(), ".rodata"));
            boolean bss = s.type() == ElfSection.SHT_NOBITS && isPrefixed(s.name(), ".bss");
            if (!data && !bss) {
                continue;
            }
            if (s.size() > Integer.MAX_VALUE - 8) {
                throw new BpfException(source + ": data section " + s.name() + " is too large (" + s.size() + " bytes)");
            }
            String name = internalMapName(s.name());
            BtfType datasec = btf == null ? null : btf.find(BtfKind.DATASEC, s.name()).orElse(null);
            boolean rodata = isPrefixed(s.name(), ".rodata");
            // As libbpf 1.1 (Debian's bpftool): every global-data map is mmap()able, so user space
            // can read and write variables without a syscall.
            Set<MapFlag> flags = rodata ? EnumSet.of(MapFlag.RDONLY_PROG, MapFlag.MMAPABLE) : EnumSet.of(MapFlag.MMAPABLE);
            if (maps.containsKey(name)) {
                throw new BpfException(source + ": map name '" + name + "' for section " + s.name() + " is already taken");
            }
            maps.put(name, new MapSpec(name, s.name(), 0, MapType.ARRAY, 4, (int) s.size(), 1,
                    flags, 0, 0, MapSpec.Pinning.NONE, 0, datasec == null ? 0 : datasec.id(), null, Map.of(), elf.contents(s)));
            dataMapBySection.put(s.index(), name);
        }
    }

    /**
     * libbpf's naming, so that bpftool shows the same maps: up to 7 characters of the object name
     * then the section name (".data", ".rodata" ...), or the section name alone for dotted custom
     * sections such as ".data.mine" and ".rodata.str1.1"; 15 characters at most.
     */
    String internalMapName(String section) {
        String obj = objectName();
        int dot = obj.indexOf('.');
        if (dot >= 0) {
            obj = obj.substring(0, dot);
        }
        int sfxLen = Math.max(7, section.length());
        int pfxLen = section.indexOf('.', 1) >= 0 ? 0 : Math.max(0, Math.min(15 - sfxLen, obj.length()));
        String name = obj.substring(0, pfxLen) + section;
        StringBuilder b = new StringBuilder();
        for (char c : name.substring(0, Math.min(15, name.length())).toCharArray()) {
            b.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.') ? c : '_');
        }
        return b.toString();
    }

    private List<VariableSpec> readVariables(Map<Integer, String> dataMapBySection) {
        List<VariableSpec> out = new ArrayList<>();
        for (ElfSymbol y : elf.symbols()) {
            String map = dataMapBySection.get(y.sectionIndex());
            if (map != null && y.type() == ElfSymbol.STT_OBJECT && !y.name().isEmpty()
                    && y.value() >= 0 && y.size() >= 0 && y.size() <= Integer.MAX_VALUE) {
                out.add(new VariableSpec(y.name(), elf.section(y.sectionIndex()).name(), map, y.value(), (int) y.size()));
            }
        }
        return out;
    }

    // ---- externs ----------------------------------------------------------------------------

    private static final String KCONFIG = ".kconfig";
    private static final String KSYMS = ".ksyms";
    private static final int BTF_VAR_GLOBAL_ALLOCATED = 1;
    private static final int BTF_FUNC_GLOBAL = 1;
    /** Longest kconfig string value jbpf reads into a char array. */
    private static final int KCONFIG_MAX_STRING = 4096;
    /** The .kconfig map's value: far above any real set of externs, far below a harmful allocation. */
    private static final int KCONFIG_MAX_MAP_SIZE = 1 << 20;

    /**
     * Collects __kconfig and __ksym externs from the .kconfig and .ksyms DATASECs, lays the
     * kconfig values out as libbpf does (larger alignment first, then smaller size, then name) and
     * adds the .kconfig map. Returns that map's name, or null when there are no kconfig externs.
     */
    private String readExterns(Map<String, MapSpec> maps) {
        if (btf == null) {
            return null;
        }
        List<ExternSpec> kconfig = new ArrayList<>();
        List<int[]> kconfigAlign = new ArrayList<>();
        for (String secName : List.of(KCONFIG, KSYMS)) {
            BtfType sec = btf.find(BtfKind.DATASEC, secName).orElse(null);
            if (sec == null) {
                continue;
            }
            for (BtfType.Member m : sec.members()) {
                BtfType t = btf.type(m.type());
                if (t == null || t.kind() != BtfKind.VAR && !(secName.equals(KSYMS) && t.kind() == BtfKind.FUNC)) {
                    throw new BpfException(source + ": " + secName + " DATASEC entry " + m.type() + " is "
                            + (t == null ? "void" : t) + ", not a variable" + (secName.equals(KSYMS) ? " or function" : ""));
                }
                if (externs.containsKey(t.name())) {
                    throw new BpfException(source + ": extern '" + t.name() + "' is listed twice in .kconfig/.ksyms");
                }
                boolean weak = elf.symbols().stream().anyMatch(y -> y.name().equals(t.name())
                        && y.sectionIndex() == ElfSymbol.SHN_UNDEF && y.binding() == ElfSymbol.STB_WEAK);
                if (secName.equals(KSYMS)) {
                    boolean func = t.kind() == BtfKind.FUNC;
                    boolean typed = !func && btf.type(btf.skipQualifiers(t.type())) != null;
                    externs.put(t.name(), new ExternSpec(t.name(), func ? ExternSpec.Kind.KFUNC : ExternSpec.Kind.KSYM,
                            weak, typed, null, 0, 0));
                    continue;
                }
                ExternSpec.KconfigType kt = kconfigType(t);
                int size = kconfigSize(t, kt);
                int align = switch (kt) {
                    case BOOL, CHAR, CHAR_ARRAY -> 1;
                    case TRISTATE -> 4;
                    case INT, UINT -> Math.min(8, size);
                };
                kconfig.add(new ExternSpec(t.name(), ExternSpec.Kind.KCONFIG, weak, false, kt, 0, size));
                kconfigAlign.add(new int[] {align});
            }
        }
        if (kconfig.isEmpty()) {
            return null;
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < kconfig.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingInt(i -> -kconfigAlign.get(i)[0])
                .thenComparingInt(i -> kconfig.get(i).size()).thenComparing(i -> kconfig.get(i).name()));
        int off = 0;
        for (int i : order) {
            ExternSpec e = kconfig.get(i);
            int align = kconfigAlign.get(i)[0];
            off = (off + align - 1) / align * align;
            externs.put(e.name(), new ExternSpec(e.name(), e.kind(), e.weak(), false, e.kconfig(), off, e.size()));
            off += e.size();
            if (off > KCONFIG_MAX_MAP_SIZE) {
                throw new BpfException(source + ": the kconfig externs need more than " + KCONFIG_MAX_MAP_SIZE
                        + " bytes (at '" + e.name() + "')");
            }
        }
        String name = internalMapName(KCONFIG);
        BtfType datasec = btf.find(BtfKind.DATASEC, KCONFIG).orElseThrow();
        maps.put(name, new MapSpec(name, KCONFIG, 0, MapType.ARRAY, 4, off, 1,
                EnumSet.of(MapFlag.RDONLY_PROG, MapFlag.MMAPABLE), 0, 0, MapSpec.Pinning.NONE, 0, datasec.id(), null, Map.of(),
                new byte[off]));
        return name;
    }

    /**
     * The size of a kconfig value, checked as libbpf checks it: integers of 1, 2, 4 or 8 bytes, and
     * strings no longer than a config value can be (the BTF could claim gigabytes).
     */
    private int kconfigSize(BtfType var, ExternSpec.KconfigType kt) {
        long size = btf.sizeOf(var.type());
        boolean ok = switch (kt) {
            case BOOL, CHAR -> size == 1;
            case TRISTATE -> size == 4;
            case INT, UINT -> size == 1 || size == 2 || size == 4 || size == 8;
            case CHAR_ARRAY -> size > 0 && size <= KCONFIG_MAX_STRING;
        };
        if (!ok) {
            throw new BpfException(source + ": kconfig extern '" + var.name() + "' is " + size + " bytes, which is no "
                    + kt.name().toLowerCase(Locale.ROOT) + " kconfig value"
                    + (kt == ExternSpec.KconfigType.CHAR_ARRAY ? " (1 to " + KCONFIG_MAX_STRING + " bytes)" : ""));
        }
        return (int) size;
    }

    private ExternSpec.KconfigType kconfigType(BtfType var) {
        BtfType t = btf.type(btf.skipQualifiers(var.type()));
        String where = source + ": kconfig extern '" + var.name() + "'";
        if (t == null) {
            throw new BpfException(where + " has no type");
        }
        if (t.kind() == BtfKind.ENUM && t.name().equals("libbpf_tristate")) {
            return ExternSpec.KconfigType.TRISTATE;
        }
        if (t.kind() == BtfKind.INT) {
            if ((t.intEncoding() & BtfType.INT_BOOL) != 0 || t.name().equals("_Bool")) {
                return ExternSpec.KconfigType.BOOL;
            }
            if (t.size() == 1 && ((t.intEncoding() & BtfType.INT_CHAR) != 0 || t.name().equals("char"))) {
                return ExternSpec.KconfigType.CHAR;
            }
            return (t.intEncoding() & BtfType.INT_SIGNED) != 0 ? ExternSpec.KconfigType.INT : ExternSpec.KconfigType.UINT;
        }
        if (t.kind() == BtfKind.ENUM || t.kind() == BtfKind.ENUM64) {
            return t.kindFlag() ? ExternSpec.KconfigType.INT : ExternSpec.KconfigType.UINT;
        }
        if (t.kind() == BtfKind.ARRAY) {
            BtfType e = btf.type(btf.skipQualifiers(t.array().elemType()));
            if (e != null && e.kind() == BtfKind.INT && e.size() == 1) {
                return ExternSpec.KconfigType.CHAR_ARRAY;
            }
        }
        throw new BpfException(where + " has type " + t + ", which is not a kconfig type (bool, tristate, char, "
                + "integer or char array)");
    }

    /**
     * The kernel takes no extern linkage: kconfig variables become allocated variables at their
     * offsets in the .kconfig map, and every .ksyms entry becomes a 4-byte int variable (kfuncs
     * through one dummy variable), as libbpf rewrites them.
     */
    private byte[] fixExternBtf(byte[] raw) {
        BtfType kcfg = btf.find(BtfKind.DATASEC, KCONFIG).orElse(null);
        BtfType ksyms = btf.find(BtfKind.DATASEC, KSYMS).orElse(null);
        if (kcfg == null && ksyms == null) {
            return raw;
        }
        BtfPatcher p = new BtfPatcher(btf, raw);
        if (kcfg != null) {
            int size = 0;
            for (int i = 0; i < kcfg.members().size(); i++) {
                BtfType.Member m = kcfg.members().get(i);
                BtfType var = btf.type(m.type());
                ExternSpec e = externs.get(var.name());
                p.setLinkage(var.id(), BTF_VAR_GLOBAL_ALLOCATED);
                p.setDatasecEntry(kcfg.id(), i, m.type(), e.offset(), e.size());
                size = Math.max(size, e.offset() + e.size());
            }
            p.setSizeOrType(kcfg.id(), size);
        }
        if (ksyms != null) {
            int intId = btf.types().stream().filter(t -> t.kind() == BtfKind.INT && t.size() == 4)
                    .mapToInt(BtfType::id).findFirst().orElse(-1);
            if (intId < 0) {
                intId = p.addInt();
            }
            int dummy = -1;
            for (int i = 0; i < ksyms.members().size(); i++) {
                BtfType t = btf.type(ksyms.members().get(i).type());
                int entryType = t.id();
                if (t.kind() == BtfKind.FUNC) {
                    if (dummy < 0) {
                        dummy = p.addVar("dummy_ksym", intId, BTF_VAR_GLOBAL_ALLOCATED);
                    }
                    BtfType proto = btf.type(t.type());
                    if (proto == null || proto.kind() != BtfKind.FUNC_PROTO) {
                        throw new BpfException(source + ": kfunc '" + t.name() + "' has type " + proto
                                + ", not a function prototype");
                    }
                    for (int j = 0; j < proto.members().size(); j++) {
                        BtfType.Member param = proto.members().get(j);
                        if (param.type() != 0 && param.name().isEmpty()) {
                            p.setParamName(proto.id(), j, p.addString("arg" + j));
                        }
                    }
                    p.setLinkage(t.id(), BTF_FUNC_GLOBAL);
                    entryType = dummy;
                } else {
                    p.setLinkage(t.id(), BTF_VAR_GLOBAL_ALLOCATED);
                    p.setSizeOrType(t.id(), intId);
                }
                p.setDatasecEntry(ksyms.id(), i, entryType, i * 4, 4);
            }
            p.setSizeOrType(ksyms.id(), ksyms.members().size() * 4);
        }
        return p.build();
    }

    // ---- programs ---------------------------------------------------------------------------

    /** A function in an executable section: an entry program, or a subprogram in .text. */
    private record Func(String name, ElfSection section, int start, int size, byte[] code, List<RawRel> rels,
                        boolean entry) {
        int insnCount() {
            return size / ProgramSpec.INSN_SIZE;
        }
    }

    /** A relocation, with the instruction index within its function. */
    private record RawRel(int insn, ElfRelocation rel, ElfSymbol sym) {
    }

    private List<ProgramSpec> readPrograms(Map<String, MapSpec> maps, Map<Integer, String> dataMapBySection,
                                           String kconfigMap, ProgramSpec.Origin origin) {
        Map<Integer, List<ElfRelocation>> relsByTarget = new HashMap<>();
        for (ElfSection s : elf.sections()) {
            // Only code's relocations: those of debug sections (most of them) are not jbpf's business.
            if (s.type() == ElfSection.SHT_REL && s.info() > 0 && s.info() < elf.sections().size()
                    && elf.sections().get(s.info()).isExecutable()) {
                relsByTarget.computeIfAbsent(s.info(), k -> new ArrayList<>()).addAll(elf.relocations(s));
            }
        }
        List<Func> entries = new ArrayList<>();
        List<Func> subprogs = new ArrayList<>();
        ElfSection text = elf.section(".text").orElse(null);
        for (ElfSection sec : elf.sections()) {
            if (!sec.isExecutable() || sec.size() == 0) {
                continue;
            }
            boolean isText = sec == text;
            byte[] code = elf.contents(sec);
            if (code.length % ProgramSpec.INSN_SIZE != 0) {
                throw new ElfFormatException(source, "section " + sec.name() + " is " + code.length
                        + " bytes, not a whole number of 8-byte instructions");
            }
            List<ElfRelocation> rels = relsByTarget.getOrDefault(sec.index(), List.of());
            List<ElfSymbol> funcs = elf.symbols().stream()
                    .filter(y -> y.sectionIndex() == sec.index() && y.type() == ElfSymbol.STT_FUNC)
                    .sorted(Comparator.comparingLong(ElfSymbol::value)).toList();
            if (funcs.isEmpty() && !isText) {
                // Hand-written or very old objects: the whole section is one program.
                entries.add(func(sec.name(), sec, 0, code.length, code, rels, true));
                continue;
            }
            for (ElfSymbol f : funcs) {
                if (f.value() < 0 || f.size() <= 0 || f.value() % ProgramSpec.INSN_SIZE != 0
                        || f.size() % ProgramSpec.INSN_SIZE != 0 || f.size() > code.length
                        || f.value() > code.length - f.size()) {
                    throw new ElfFormatException(source, (isText ? "function '" : "program '") + f.name() + "' in section " + sec.name()
                            + " has offset " + f.value() + " and size " + f.size()
                            + ", which is not a whole run of instructions inside the " + code.length + "-byte section");
                }
                if (!isText && f.binding() == ElfSymbol.STB_LOCAL) {
                    throw new BpfException(source + ": section " + sec.name() + ": static function '" + f.name()
                            + "' in a program section is not supported (as in libbpf); make it __always_inline "
                            + "or leave it in .text");
                }
                Func fn = func(f.name(), sec, (int) f.value(), (int) f.size(), code, rels, !isText);
                (isText ? subprogs : entries).add(fn);
            }
        }
        List<ProgramSpec> out = new ArrayList<>();
        for (Func e : entries) {
            out.add(new Linker(e, subprogs, text, maps, dataMapBySection, kconfigMap).link(origin));
        }
        return out;
    }

    private Func func(String name, ElfSection sec, int start, int size, byte[] code, List<ElfRelocation> rels,
                      boolean entry) {
        List<RawRel> mine = new ArrayList<>();
        for (ElfRelocation r : rels) {
            if (r.offset() < start || r.offset() >= start + size) {
                continue;
            }
            if ((r.offset() - start) % ProgramSpec.INSN_SIZE != 0) {
                throw new ElfFormatException(source, "section " + sec.name() + ": relocation at offset " + r.offset()
                        + " is not on an instruction boundary");
            }
            mine.add(new RawRel((int) ((r.offset() - start) / ProgramSpec.INSN_SIZE), r, elf.symbol(r.symbolIndex())));
        }
        return new Func(name, sec, start, size, Arrays.copyOfRange(code, start, start + size), mine, entry);
    }

    /**
     * Appends the subprograms an entry program calls, depth first in the order the calls appear,
     * as libbpf does (so the kernel computes the same program tag), and fixes the call offsets.
     */
    private final class Linker {
        private final Func entry;
        private final List<Func> subprogs;
        private final ElfSection text;
        private final Map<String, MapSpec> maps;
        private final Map<Integer, String> dataMaps;
        private final String kconfigMap;
        /** By identity: each Func is one piece of code (and a record's hashCode would hash its code and relocations). */
        private final Map<Func, Integer> placed = new IdentityHashMap<>();
        private final List<Func> order = new ArrayList<>();
        private final List<Relocation> relocations = new ArrayList<>();
        private byte[] code = new byte[0];

        Linker(Func entry, List<Func> subprogs, ElfSection text, Map<String, MapSpec> maps, Map<Integer, String> dataMaps,
               String kconfigMap) {
            this.entry = entry;
            this.kconfigMap = kconfigMap;
            this.subprogs = subprogs;
            this.text = text;
            this.maps = maps;
            this.dataMaps = dataMaps;
        }

        ProgramSpec link(ProgramSpec.Origin origin) {
            place(entry);
            relocate(entry);
            relocations.sort(Comparator.comparingInt(Relocation::instruction));
            List<String> names = order.subList(1, order.size()).stream().map(Func::name).toList();
            return new ProgramSpec(entry.name(), entry.section().name(), entry.start(), classify(entry.section()), code,
                    relocations, names, extInfo(ext == null ? null : ext.funcInfo()), extInfo(ext == null ? null : ext.lineInfo()),
                    extInfo(ext == null ? null : ext.coreRelocations()).count(), origin);
        }

        private SectionDef classify(ElfSection sec) {
            return SectionNames.classify(sec.name()).orElse(null);
        }

        private int place(Func f) {
            int base = code.length / ProgramSpec.INSN_SIZE;
            code = Arrays.copyOf(code, code.length + f.code().length);
            System.arraycopy(f.code(), 0, code, base * ProgramSpec.INSN_SIZE, f.code().length);
            placed.put(f, base);
            order.add(f);
            return base;
        }

        private void relocate(Func f) {
            int base = placed.get(f);
            String where = source + ": section " + f.section().name() + ", " + (f.entry() ? "program " : "function ")
                    + f.name() + (f == entry ? "" : " (linked into " + entry.name() + ")");
            Map<Integer, RawRel> byInsn = new HashMap<>();
            for (RawRel r : f.rels()) {
                byInsn.put(r.insn(), r);
            }
            for (int i = 0; i < f.insnCount(); i++) {
                int at = (base + i) * ProgramSpec.INSN_SIZE;
                int op = code[at] & 0xff;
                int src = (code[at + 1] >>> 4) & 0xf;
                RawRel r = byInsn.get(i);
                boolean call = op == OP_CALL && src == BPF_PSEUDO_CALL;
                boolean funcAddr = op == OP_LD_IMM64 && (src == BPF_PSEUDO_FUNC
                        || r != null && r.sym().sectionIndex() == (text == null ? -1 : text.index()) && r.sym().sectionIndex() != 0);
                if (call || funcAddr) {
                    linkCall(where, f, i, at, r, call);
                } else if (r != null) {
                    relocations.add(relocation(where, base + i, code, at, r));
                }
            }
        }

        private void linkCall(String where, Func f, int i, int at, RawRel r, boolean call) {
            String what = where + ", instruction " + i;
            int imm = imm(code, at);
            long target;
            if (r != null) {
                ExternSpec kfunc = externs.get(r.sym().name());
                if (r.sym().sectionIndex() == ElfSymbol.SHN_UNDEF && call && kfunc != null
                        && kfunc.kind() == ExternSpec.Kind.KFUNC) {
                    relocations.add(new Relocation(placed.get(f) + i, Relocation.Kind.KFUNC, r.sym().name(), "",
                            r.sym().name(), 0));
                    return;
                }
                if (r.sym().sectionIndex() == ElfSymbol.SHN_UNDEF) {
                    throw new BpfException(what + ": call to '" + symName(r.sym()) + "', which the object does not "
                            + "define (an extern: a kfunc or a function of another object, which jbpf does not link)");
                }
                if (text == null || r.sym().sectionIndex() != text.index()) {
                    throw new BpfException(what + ": call to '" + symName(r.sym()) + "' in section "
                            + elf.section(r.sym().sectionIndex()).name() + "; subprograms must be in .text");
                }
                long symOff = r.sym().value();
                target = call ? symOff / ProgramSpec.INSN_SIZE + imm + 1 : (symOff + imm) / ProgramSpec.INSN_SIZE;
            } else if (call && f.section() == text) {
                // A call between static functions of one section carries no relocation.
                target = f.start() / ProgramSpec.INSN_SIZE + i + imm + 1;
            } else {
                throw new BpfException(what + ": " + (call ? "call" : "function address")
                        + " without a relocation to resolve it");
            }
            long targetByte = target * ProgramSpec.INSN_SIZE;
            Func sub = subprogs.stream().filter(s -> s.start() == targetByte).findFirst().orElseThrow(() ->
                    new BpfException(what + ": no function starts at instruction " + target + " of .text"
                            + (r == null ? "" : " (symbol '" + symName(r.sym()) + "')")));
            Integer subBase = placed.get(sub);
            if (subBase == null) {
                subBase = place(sub);
                relocate(sub);
            }
            int self = placed.get(f) + i;
            ByteBuffer.wrap(code, at + 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(subBase - self - 1);
            if (!call) {
                code[at + 1] = (byte) ((code[at + 1] & 0x0f) | (BPF_PSEUDO_FUNC << 4));
            }
        }

        private Relocation relocation(String where, int idx, byte[] insns, int at, RawRel raw) {
            ElfSymbol sym = raw.sym();
            ElfRelocation r = raw.rel();
            // Built only for an error: objects have thousands of relocations.
            Supplier<String> ctx = () -> where + ", instruction " + raw.insn() + ", symbol '"
                    + symName(sym) + "'";
            int op = insns[at] & 0xff;
            if (r.type() == ElfRelocation.R_BPF_64_32) {
                throw new BpfException(ctx.get() + ": R_BPF_64_32 relocation on an instruction that is not a call "
                        + String.format("(opcode 0x%02x)", op));
            }
            if (r.type() != ElfRelocation.R_BPF_64_64) {
                throw new BpfException(ctx.get() + ": unsupported relocation type " + r.type());
            }
            if (op != OP_LD_IMM64 || at + ProgramSpec.INSN_SIZE >= insns.length) {
                throw new BpfException(ctx.get() + ": R_BPF_64_64 relocation on an instruction that is not ld_imm64 "
                        + String.format("(opcode 0x%02x)", op));
            }
            if (sym.sectionIndex() == ElfSymbol.SHN_UNDEF) {
                ExternSpec e = externs.get(sym.name());
                if (e != null && e.kind() == ExternSpec.Kind.KCONFIG) {
                    return new Relocation(idx, Relocation.Kind.DATA, sym.name(), KCONFIG, kconfigMap,
                            e.offset() + (long) imm(insns, at));
                }
                // ld_imm64 of a kfunc is its address, as bpf_ksym_exists() takes it: a KSYM use too.
                if (e != null && (e.kind() == ExternSpec.Kind.KSYM || e.kind() == ExternSpec.Kind.KFUNC)) {
                    return new Relocation(idx, Relocation.Kind.KSYM, sym.name(), KSYMS, sym.name(), 0);
                }
                return new Relocation(idx, Relocation.Kind.EXTERN, sym.name(), "", sym.name(), 0);
            }
            if (sym.sectionIndex() >= 0xff00) {
                throw new BpfException(ctx.get() + ": relocation against special section index " + sym.sectionIndex());
            }
            ElfSection target = elf.section(sym.sectionIndex());
            long offset = (sym.type() == ElfSymbol.STT_SECTION ? 0 : sym.value()) + imm(insns, at);
            if (target.name().equals(BpfObjectSpec.MAPS_SECTION) || target.name().equals(BpfObjectSpec.LEGACY_MAPS_SECTION)) {
                MapSpec map = maps.values().stream()
                        .filter(m -> m.section().equals(target.name()) && m.offset() == offset).findFirst()
                        .orElseThrow(() -> new BpfException(ctx.get() + ": no map at offset " + offset + " of section "
                                + target.name()));
                return new Relocation(idx, Relocation.Kind.MAP, sym.name(), target.name(), map.name(), 0);
            }
            String dataMap = dataMaps.get(target.index());
            if (dataMap != null) {
                if (offset < 0 || offset >= Math.max(1, target.size())) {
                    throw new BpfException(ctx.get() + ": offset " + offset + " lies outside section " + target.name());
                }
                return new Relocation(idx, Relocation.Kind.DATA, sym.name(), target.name(), dataMap, offset);
            }
            throw new BpfException(ctx.get() + ": relocation against section '" + target.name()
                    + "', which holds no maps, data or code");
        }

        /** .BTF.ext records (func, line or CO-RE info) of every placed function, rebased to instruction indexes. */
        private ExtInfo extInfo(BtfExt.Info info) {
            if (info == null) {
                return ExtInfo.NONE;
            }
            List<int[]> out = new ArrayList<>();
            for (Func f : order) {
                int base = placed.get(f);
                for (BtfExt.Record rec : info.section(f.section().name())) {
                    int off = rec.insnOffset();
                    if (off >= f.start() && off < f.start() + f.size()) {
                        int[] copy = rec.fields().clone();
                        copy[0] = (off - f.start()) / ProgramSpec.INSN_SIZE + base;
                        out.add(copy);
                    }
                }
            }
            return out.isEmpty() ? ExtInfo.NONE : new ExtInfo(info.recordSize(), out);
        }
    }

    private static String symName(ElfSymbol sym) {
        return sym.name().isEmpty() ? "<section symbol>" : sym.name();
    }

    private static boolean isPrefixed(String name, String prefix) {
        return name.equals(prefix) || name.startsWith(prefix + ".");
    }

    /** The imm field of the instruction at byte offset {@code at}. */
    private static int imm(byte[] insns, int at) {
        return ByteBuffer.wrap(insns, at + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
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
