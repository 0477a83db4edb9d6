package io.jbpf.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A little-endian ELF64 relocatable object as {@code clang -target bpf} writes it: section headers,
 * the symbol table and REL sections. Every offset and size is checked against the file, so a
 * truncated or hostile file gives an {@link ElfFormatException}, never an out-of-bounds read.
 * Immutable and thread-safe once read.
 */
public final class ElfFile {
    public static final int EM_BPF = 247;
    public static final int ET_REL = 1;
    static final int EHDR_SIZE = 64;
    static final int SHDR_SIZE = 64;
    static final int SYM_SIZE = 24;
    static final int REL_SIZE = 16;
    /** Far above any real BPF object; keeps a wrong path (a disk image, say) from filling the heap. */
    static final long MAX_FILE_SIZE = 512L << 20;
    /** A .bss becomes one map value; the kernel caps those far below this. */
    static final long MAX_NOBITS_SIZE = 64L << 20;

    private final String name;
    private final byte[] bytes;
    private final ByteBuffer buf;
    private final List<ElfSection> sections;
    private final List<ElfSymbol> symbols;
    private final ElfSection symtab;

    private ElfFile(String name, byte[] bytes) {
        this.name = name;
        this.bytes = bytes;
        this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        checkHeader();
        this.sections = Collections.unmodifiableList(readSections());
        this.symtab = sections.stream().filter(s -> s.type() == ElfSection.SHT_SYMTAB).findFirst().orElse(null);
        this.symbols = symtab == null ? List.of() : Collections.unmodifiableList(readSymbols(symtab));
    }

    /** Reads and checks the object at {@code path}; the file name is used in error messages. */
    public static ElfFile read(Path path) {
        String label = path.toString();
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_SIZE) {
                throw new ElfFormatException(label, "file is " + size + " bytes, larger than any BPF object jbpf reads ("
                        + MAX_FILE_SIZE + ")");
            }
            return parse(label, Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            throw new ElfFormatException(label, "no such file");
        } catch (IOException e) {
            throw new ElfFormatException(label, "cannot read: " + e.getMessage());
        }
    }

    /** Parses {@code bytes} (not copied; do not change them afterwards). */
    public static ElfFile parse(String name, byte[] bytes) {
        return new ElfFile(name, bytes);
    }

    /** The name used in messages, usually the path. */
    public String name() {
        return name;
    }

    public List<ElfSection> sections() {
        return sections;
    }

    public Optional<ElfSection> section(String sectionName) {
        return sections.stream().filter(s -> s.name().equals(sectionName)).findFirst();
    }

    public ElfSection section(int index) {
        if (index <= 0 || index >= sections.size()) {
            throw fail("section index " + index + " out of range (file has " + sections.size() + " sections)");
        }
        return sections.get(index);
    }

    /** All symbols, indexed as relocations refer to them (entry 0 is the null symbol). */
    public List<ElfSymbol> symbols() {
        return symbols;
    }

    public ElfSymbol symbol(int index) {
        if (index < 0 || index >= symbols.size()) {
            throw fail("symbol index " + index + " out of range (symbol table has " + symbols.size() + " entries)");
        }
        return symbols.get(index);
    }

    /** The SHA-1 of the whole file, in hex: a name for this exact file (iproute2 names pin directories so). */
    public String sha1Hex() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** A copy of the section's bytes; zeros for SHT_NOBITS ({@code .bss}). */
    public byte[] contents(ElfSection section) {
        if (section.type() == ElfSection.SHT_NOBITS) {
            return new byte[Math.toIntExact(section.size())];
        }
        int off = (int) section.offset();
        return Arrays.copyOfRange(bytes, off, off + (int) section.size());
    }

    /** The REL entries of {@code relSection} (which must be SHT_REL). */
    public List<ElfRelocation> relocations(ElfSection relSection) {
        if (relSection.type() != ElfSection.SHT_REL) {
            throw fail("section " + relSection.name() + " is not a REL section");
        }
        if (relSection.entsize() != REL_SIZE || relSection.size() % REL_SIZE != 0) {
            throw fail("REL section " + relSection.name() + " has entry size " + relSection.entsize()
                    + " and size " + relSection.size() + ", expected multiples of " + REL_SIZE);
        }
        if (symtab == null || relSection.link() != symtab.index()) {
            throw fail("REL section " + relSection.name() + " does not refer to the symbol table");
        }
        int n = (int) (relSection.size() / REL_SIZE);
        List<ElfRelocation> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int at = (int) relSection.offset() + i * REL_SIZE;
            long info = buf.getLong(at + 8);
            long sym = info >>> 32;
            if (sym >= symbols.size()) {
                throw fail("relocation " + i + " in " + relSection.name() + " refers to symbol " + sym
                        + ", beyond the symbol table (" + symbols.size() + " entries)");
            }
            out.add(new ElfRelocation(buf.getLong(at), (int) sym, (int) info));
        }
        return out;
    }

    /** A NUL-terminated string at {@code offset} within a string-table section. */
    public String string(ElfSection strtab, long offset) {
        if (offset < 0 || offset >= strtab.size()) {
            throw fail("string offset " + offset + " outside string table " + strtab.name()
                    + " (" + strtab.size() + " bytes)");
        }
        int start = (int) (strtab.offset() + offset);
        int end = (int) (strtab.offset() + strtab.size());
        for (int i = start; i < end; i++) {
            if (bytes[i] == 0) {
                return new String(bytes, start, i - start, StandardCharsets.UTF_8);
            }
        }
        throw fail("unterminated string at offset " + offset + " in " + strtab.name());
    }

    ElfFormatException fail(String problem) {
        return new ElfFormatException(name, problem);
    }

    private void checkHeader() {
        if (bytes.length < 4 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
            throw fail("not an ELF file (no \\x7fELF magic)");
        }
        if (bytes.length < EHDR_SIZE) {
            throw fail("truncated: " + bytes.length + " bytes, the ELF header alone needs " + EHDR_SIZE);
        }
        if (bytes[4] != 2) {
            throw fail("not a 64-bit ELF (EI_CLASS " + bytes[4] + "); BPF objects are ELF64");
        }
        if (bytes[5] != 1) {
            throw fail("not little-endian (EI_DATA " + bytes[5] + "); build with -target bpfel or -target bpf on x86");
        }
        int machine = Short.toUnsignedInt(buf.getShort(18));
        if (machine != EM_BPF) {
            throw fail("ELF for machine " + machineName(machine) + ", not BPF (EM_BPF=247); was it built with clang -target bpf?");
        }
        int type = Short.toUnsignedInt(buf.getShort(16));
        if (type != ET_REL) {
            throw fail("ELF type " + type + " is not a relocatable object (ET_REL=1)");
        }
        int shentsize = Short.toUnsignedInt(buf.getShort(58));
        if (shentsize != SHDR_SIZE) {
            throw fail("section header entry size " + shentsize + ", expected " + SHDR_SIZE);
        }
    }

    private List<ElfSection> readSections() {
        long shoff = buf.getLong(40);
        int shnum = Short.toUnsignedInt(buf.getShort(60));
        int shstrndx = Short.toUnsignedInt(buf.getShort(62));
        if (shoff <= 0 || shoff > bytes.length - SHDR_SIZE) {
            throw fail("truncated: section header table at offset " + shoff + " lies outside the " + bytes.length + "-byte file");
        }
        if (shnum == 0) {
            // More than 0xff00 sections: the real count sits in section 0's sh_size.
            long real = buf.getLong((int) shoff + 32);
            shnum = real < 0 || real > Integer.MAX_VALUE ? -1 : (int) real;
        }
        if (shstrndx == 0xffff) {
            shstrndx = buf.getInt((int) shoff + 40);
        }
        if (shnum <= 0 || shoff + (long) shnum * SHDR_SIZE > bytes.length) {
            throw fail("truncated: " + shnum + " section headers at offset " + shoff
                    + " do not fit in the " + bytes.length + "-byte file");
        }
        List<long[]> raw = new ArrayList<>(shnum);
        for (int i = 0; i < shnum; i++) {
            int at = (int) shoff + i * SHDR_SIZE;
            long[] h = {
                Integer.toUnsignedLong(buf.getInt(at)), Integer.toUnsignedLong(buf.getInt(at + 4)), buf.getLong(at + 8),
                buf.getLong(at + 24), buf.getLong(at + 32), Integer.toUnsignedLong(buf.getInt(at + 40)),
                Integer.toUnsignedLong(buf.getInt(at + 44)), buf.getLong(at + 48), buf.getLong(at + 56)
            };
            int shType = (int) h[1];
            if (shType != ElfSection.SHT_NOBITS && i != 0
                    && (h[3] < 0 || h[4] < 0 || h[3] + h[4] > bytes.length || h[3] + h[4] < 0)) {
                throw fail("truncated: section " + i + " (offset " + h[3] + ", size " + h[4]
                        + ") extends past the end of the " + bytes.length + "-byte file");
            }
            if (shType == ElfSection.SHT_NOBITS && (h[4] < 0 || h[4] > MAX_NOBITS_SIZE)) {
                throw fail("section " + i + " claims " + h[4] + " bytes of zero data");
            }
            raw.add(h);
        }
        if (shstrndx <= 0 || shstrndx >= shnum || raw.get(shstrndx)[1] != ElfSection.SHT_STRTAB) {
            throw fail("section name string table index " + shstrndx + " is not a string table");
        }
        long[] strh = raw.get(shstrndx);
        ElfSection shstrtab = new ElfSection(shstrndx, ".shstrtab", ElfSection.SHT_STRTAB, 0, strh[3], strh[4], 0, 0, 0, 0);
        List<ElfSection> out = new ArrayList<>(shnum);
        for (int i = 0; i < shnum; i++) {
            long[] h = raw.get(i);
            String secName = i == 0 ? "" : string(shstrtab, h[0]);
            out.add(new ElfSection(i, secName, (int) h[1], h[2], h[3], h[4], (int) h[5], (int) h[6], h[7], h[8]));
        }
        return out;
    }

    private List<ElfSymbol> readSymbols(ElfSection tab) {
        if (tab.entsize() != SYM_SIZE || tab.size() % SYM_SIZE != 0) {
            throw fail("symbol table entry size " + tab.entsize() + " / size " + tab.size()
                    + ", expected multiples of " + SYM_SIZE);
        }
        if (tab.link() <= 0 || tab.link() >= sections.size() || sections.get(tab.link()).type() != ElfSection.SHT_STRTAB) {
            throw fail("symbol table's string table (section " + tab.link() + ") is not a string table");
        }
        ElfSection strtab = sections.get(tab.link());
        int n = (int) (tab.size() / SYM_SIZE);
        List<ElfSymbol> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int at = (int) tab.offset() + i * SYM_SIZE;
            long nameOff = Integer.toUnsignedLong(buf.getInt(at));
            int info = Byte.toUnsignedInt(buf.get(at + 4));
            int other = Byte.toUnsignedInt(buf.get(at + 5));
            int shndx = Short.toUnsignedInt(buf.getShort(at + 6));
            String symName = nameOff == 0 ? "" : string(strtab, nameOff);
            if (shndx != ElfSymbol.SHN_UNDEF && shndx < 0xff00 && shndx >= sections.size()) {
                throw fail("symbol '" + symName + "' is defined in section " + shndx + ", which does not exist");
            }
            out.add(new ElfSymbol(i, symName, info, other, shndx, buf.getLong(at + 8), buf.getLong(at + 16)));
        }
        return out;
    }

    private static String machineName(int machine) {
        String known = switch (machine) {
            case 3 -> "i386";
            case 40 -> "ARM";
            case 62 -> "x86-64";
            case 183 -> "AArch64";
            case 243 -> "RISC-V";
            case 21 -> "PowerPC64";
            case 22 -> "s390";
            default -> null;
        };
        return known == null ? String.valueOf(machine) : known + " (" + machine + ")";
    }
}
