package io.jbpf.testing;

import io.jbpf.elf.ElfFile;
import io.jbpf.elf.ElfSection;
import io.jbpf.elf.ElfSymbol;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A copy of a clang object to damage on purpose. Offsets are located with the unmodified file,
 * so a patch never depends on an earlier patch having been parsed.
 */
public final class ElfPatch {
    // ELF64 layouts (Elf64_Ehdr, Elf64_Shdr, Elf64_Sym, Elf64_Rel).
    public static final int E_TYPE = 16;
    public static final int E_MACHINE = 18;
    public static final int E_SHOFF = 40;
    public static final int E_SHENTSIZE = 58;
    public static final int E_SHNUM = 60;
    public static final int E_SHSTRNDX = 62;
    public static final int SH_NAME = 0;
    public static final int SH_TYPE = 4;
    public static final int SH_OFFSET = 24;
    public static final int SH_SIZE = 32;
    public static final int SH_LINK = 40;
    public static final int SH_INFO = 44;
    public static final int SH_ENTSIZE = 56;
    public static final int ST_INFO = 4;
    public static final int ST_SHNDX = 6;
    public static final int ST_VALUE = 8;
    public static final int ST_SIZE = 16;

    private final String file;
    private final byte[] bytes;
    private final ByteBuffer buf;
    private final ElfFile original;

    private ElfPatch(String file) {
        this.file = file;
        this.bytes = BpfObjects.bytes(file);
        this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        this.original = ElfFile.parse(file, BpfObjects.bytes(file));
    }

    public static ElfPatch of(String file) {
        return new ElfPatch(file);
    }

    /** The patched bytes (live: later patches show up). */
    public byte[] bytes() {
        return bytes;
    }

    /** The object before any patch. */
    public ElfFile original() {
        return original;
    }

    public String file() {
        return file;
    }

    public int shoff() {
        return (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(E_SHOFF);
    }

    public ElfSection section(String name) {
        return original.section(name).orElseThrow(() -> new AssertionError(file + " has no section " + name));
    }

    public ElfSymbol symbol(String name) {
        return original.symbols().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(file + " has no symbol " + name));
    }

    /** File offset of section {@code index}'s header. */
    public int sectionHeader(int index) {
        return shoff() + index * 64;
    }

    public int sectionHeader(String name) {
        return sectionHeader(section(name).index());
    }

    /** File offset of the symbol table entry of {@code name}. */
    public int symbolEntry(String name) {
        return (int) section(".symtab").offset() + symbol(name).index() * 24;
    }

    /** File offset of entry {@code i} of REL section {@code relSection}. */
    public int relEntry(String relSection, int i) {
        return (int) section(relSection).offset() + i * 16;
    }

    /** File offset of instruction {@code insn} of section {@code section}. */
    public int instruction(String section, int insn) {
        return (int) section(section).offset() + insn * 8;
    }

    public ElfPatch putByte(int at, int v) {
        buf.put(at, (byte) v);
        return this;
    }

    public ElfPatch putShort(int at, int v) {
        buf.putShort(at, (short) v);
        return this;
    }

    public ElfPatch putInt(int at, int v) {
        buf.putInt(at, v);
        return this;
    }

    public ElfPatch putLong(int at, long v) {
        buf.putLong(at, v);
        return this;
    }

    /** Renames a section in place in the section name table; the new name must be as long as the old. */
    public ElfPatch renameSection(String from, String to) {
        ElfSection s = section(from);
        int nameOff = buf.getInt(sectionHeader(s.index()) + SH_NAME);
        return rewriteString(original.sections().get(shstrndx()), nameOff, from, to);
    }

    /** Renames a symbol in place in the symbol string table; the new name must be as long as the old. */
    public ElfPatch renameSymbol(String from, String to) {
        int nameOff = buf.getInt(symbolEntry(from));
        return rewriteString(original.sections().get(section(".symtab").link()), nameOff, from, to);
    }

    private int shstrndx() {
        return Short.toUnsignedInt(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getShort(E_SHSTRNDX));
    }

    private ElfPatch rewriteString(ElfSection strtab, int nameOff, String from, String to) {
        byte[] old = from.getBytes(StandardCharsets.UTF_8);
        byte[] neu = to.getBytes(StandardCharsets.UTF_8);
        if (old.length != neu.length) {
            throw new IllegalArgumentException("rename must keep the length: " + from + " -> " + to);
        }
        int at = (int) strtab.offset() + nameOff;
        for (int i = 0; i < old.length; i++) {
            if (bytes[at + i] != old[i]) {
                throw new AssertionError("string at " + at + " is not " + from);
            }
        }
        System.arraycopy(neu, 0, bytes, at, neu.length);
        return this;
    }
}
