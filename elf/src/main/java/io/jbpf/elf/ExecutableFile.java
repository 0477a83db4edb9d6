package io.jbpf.elf;

import io.jbpf.common.BpfException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A native ELF64 executable or shared library (a program, {@code libc.so.6}), read for what a
 * uprobe needs: where a function's code lies in the file. The kernel places uprobes by file
 * offset, while symbols give virtual addresses; the loadable segment holding the code maps one to
 * the other. Only the headers, symbol tables and their string tables are read, each checked
 * against the file size. Immutable and thread-safe.
 */
public final class ExecutableFile {
    private static final int EHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int SHDR_SIZE = 64;
    private static final int SYM_SIZE = 24;
    private static final int ET_EXEC = 2;
    private static final int ET_DYN = 3;
    private static final int PT_LOAD = 1;
    private static final int PF_X = 1;
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_DYNSYM = 11;
    private static final int STT_FUNC = 2;
    /** A function whose address a resolver picks at load time (glibc's memcpy, strlen ...). */
    private static final int STT_GNU_IFUNC = 10;

    private final String name;
    private final ByteBuffer buf;
    private final List<long[]> execSegments = new ArrayList<>();
    /** .symtab first (it has local functions too), then .dynsym: {offset, count, strtab offset, strtab size}. */
    private final List<long[]> symbolTables = new ArrayList<>();

    private ExecutableFile(String name, ByteBuffer buf) {
        this.name = name;
        this.buf = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        readHeaders();
    }

    /** Maps the file at {@code path} read-only (a large library is not copied into the heap). */
    public static ExecutableFile read(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new ElfFormatException(path.toString(), "file is " + size + " bytes, more than jbpf maps (2 GiB)");
            }
            return new ExecutableFile(path.toString(), ch.map(FileChannel.MapMode.READ_ONLY, 0, size));
        } catch (NoSuchFileException e) {
            throw new ElfFormatException(path.toString(), "no such file");
        } catch (IOException e) {
            throw new ElfFormatException(path.toString(), "cannot read: " + e.getMessage());
        }
    }

    /** Reads the executable in {@code bytes}; {@code name} labels it in messages. */
    public static ExecutableFile parse(String name, byte[] bytes) {
        return new ExecutableFile(name, ByteBuffer.wrap(bytes));
    }

    /** The name used in messages, usually the path. */
    public String name() {
        return name;
    }

    /**
     * A function of the file, as a uprobe is placed on it.
     *
     * @param name   the symbol's name
     * @param offset the file offset of its first instruction
     * @param size   its size in bytes from the symbol table (0 when the symbol does not say, as for
     *               some hand-written assembly)
     */
    public record Function(String name, long offset, long size) {
    }

    /**
     * Function {@code symbol}: where its code lies in the file, and how long it is. The symbol is
     * looked up in {@code .symtab}, then in {@code .dynsym} (a stripped library has only the
     * latter); a global or weak definition wins over a local one. For an IFUNC symbol (glibc's
     * {@code memcpy}, {@code strlen}) this is the resolver, which runs once at load time, not the
     * implementation it picks.
     *
     * @throws BpfException when the file defines no function of that name, or its address lies in
     *                      no executable segment
     */
    public Function function(String symbol) {
        byte[] want = symbol.getBytes(StandardCharsets.UTF_8);
        long[] found = null; // {value, size, local}
        for (long[] table : symbolTables) {
            for (int i = 1; i < table[1]; i++) {
                int at = (int) (table[0] + (long) i * SYM_SIZE);
                if (!isFunction(at) || !nameEquals(table[2], table[3], Integer.toUnsignedLong(buf.getInt(at)), want)) {
                    continue;
                }
                boolean isLocal = Byte.toUnsignedInt(buf.get(at + 4)) >>> 4 == 0;
                if (found == null || found[2] == 1 && !isLocal) {
                    found = new long[] {buf.getLong(at + 8), buf.getLong(at + 16), isLocal ? 1 : 0};
                }
            }
            if (found != null && found[2] == 0) {
                break;
            }
        }
        if (found == null) {
            throw new BpfException(name + ": defines no function '" + symbol + "' in "
                    + (symbolTables.isEmpty() ? "any symbol table (it has neither .symtab nor .dynsym)"
                    : ".symtab or .dynsym") + "; check the name with: nm -D " + name + " (or nm for a program)");
        }
        return new Function(symbol, fileOffset(symbol, found[0]), found[1]);
    }

    /**
     * The functions whose names match the glob {@code pattern} ({@code *} any run of characters,
     * {@code ?} one character, as libbpf matches uprobe.multi sections), each name once (a global
     * definition wins over a local one), sorted by name. Functions at no executable address
     * (undefined, or imported) are left out.
     *
     * @throws BpfException when no function matches
     */
    public List<Function> functions(String pattern) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (long[] table : symbolTables) {
            for (int i = 1; i < table[1]; i++) {
                int at = (int) (table[0] + (long) i * SYM_SIZE);
                if (isFunction(at)) {
                    String n = name(table[2], table[3], Integer.toUnsignedLong(buf.getInt(at)));
                    if (io.jbpf.common.Glob.matches(pattern, n)) {
                        names.add(n);
                    }
                }
            }
        }
        if (names.isEmpty()) {
            throw new BpfException(name + ": no function matches '" + pattern + "' in "
                    + (symbolTables.isEmpty() ? "any symbol table (it has neither .symtab nor .dynsym)"
                    : ".symtab or .dynsym") + "; list them with: nm -D " + name + " (or nm for a program)");
        }
        List<Function> out = new ArrayList<>(names.size());
        for (String n : names) {
            out.add(function(n));
        }
        return List.copyOf(out);
    }

    private boolean isFunction(int at) {
        int type = Byte.toUnsignedInt(buf.get(at + 4)) & 0xf;
        int shndx = Short.toUnsignedInt(buf.getShort(at + 6));
        return (type == STT_FUNC || type == STT_GNU_IFUNC) && shndx != 0;
    }

    private long fileOffset(String symbol, long value) {
        for (long[] seg : execSegments) {
            long vaddr = seg[1];
            if (Long.compareUnsigned(value, vaddr) >= 0 && Long.compareUnsigned(value - vaddr, seg[2]) < 0) {
                return value - vaddr + seg[0];
            }
        }
        throw new BpfException(name + ": function '" + symbol + "' is at address 0x" + Long.toHexString(value)
                + ", which no executable PT_LOAD segment of the file holds");
    }

    private String name(long strtab, long strSize, long off) {
        if (off >= strSize) {
            throw fail("a symbol's name offset " + off + " lies outside its " + strSize + "-byte string table");
        }
        int from = (int) (strtab + off);
        int end = from;
        int limit = (int) (strtab + strSize);
        while (end < limit && buf.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - from];
        buf.get(from, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private boolean nameEquals(long strtab, long strSize, long off, byte[] want) {
        if (off >= strSize) {
            throw fail("a symbol's name offset " + off + " lies outside its " + strSize + "-byte string table");
        }
        long at = strtab + off;
        if (off + want.length >= strSize) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (buf.get((int) (at + i)) != want[i]) {
                return false;
            }
        }
        return buf.get((int) (at + want.length)) == 0;
    }

    private void readHeaders() {
        int size = buf.limit();
        if (size < 4 || buf.get(0) != 0x7f || buf.get(1) != 'E' || buf.get(2) != 'L' || buf.get(3) != 'F') {
            throw fail("not an ELF file (no \\x7fELF magic)");
        }
        if (size < EHDR_SIZE) {
            throw fail("truncated: " + size + " bytes, the ELF header alone needs " + EHDR_SIZE);
        }
        if (buf.get(4) != 2 || buf.get(5) != 1) {
            throw fail("not a little-endian ELF64 file (EI_CLASS " + buf.get(4) + ", EI_DATA " + buf.get(5) + ")");
        }
        int type = Short.toUnsignedInt(buf.getShort(16));
        if (type != ET_EXEC && type != ET_DYN) {
            throw fail("ELF type " + type + " is neither an executable (ET_EXEC) nor a shared object (ET_DYN)");
        }
        long phoff = buf.getLong(32);
        int phentsize = Short.toUnsignedInt(buf.getShort(54));
        int phnum = Short.toUnsignedInt(buf.getShort(56));
        if (phnum > 0 && (phentsize != PHDR_SIZE || !fits(phoff, (long) phnum * PHDR_SIZE))) {
            throw fail("truncated: " + phnum + " program headers of " + phentsize + " bytes at offset " + phoff
                    + " do not fit in the " + size + "-byte file");
        }
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * PHDR_SIZE);
            if (buf.getInt(at) == PT_LOAD && (buf.getInt(at + 4) & PF_X) != 0) {
                execSegments.add(new long[] {buf.getLong(at + 8), buf.getLong(at + 16), buf.getLong(at + 32)});
            }
        }
        long shoff = buf.getLong(40);
        int shentsize = Short.toUnsignedInt(buf.getShort(58));
        int shnum = Short.toUnsignedInt(buf.getShort(60));
        if (shnum == 0 || shoff == 0) {
            return; // no section headers (stripped of them): no symbols to find
        }
        if (shentsize != SHDR_SIZE || !fits(shoff, (long) shnum * SHDR_SIZE)) {
            throw fail("truncated: " + shnum + " section headers of " + shentsize + " bytes at offset " + shoff
                    + " do not fit in the " + size + "-byte file");
        }
        for (int wanted : new int[] {SHT_SYMTAB, SHT_DYNSYM}) {
            for (int i = 0; i < shnum; i++) {
                int at = (int) (shoff + (long) i * SHDR_SIZE);
                if (buf.getInt(at + 4) != wanted) {
                    continue;
                }
                long off = buf.getLong(at + 24);
                long len = buf.getLong(at + 32);
                long link = Integer.toUnsignedLong(buf.getInt(at + 40));
                if (!fits(off, len) || link == 0 || link >= shnum) {
                    throw fail("symbol table section " + i + " (offset " + off + ", size " + len + ", strings in section "
                            + link + ") does not fit the file");
                }
                int str = (int) (shoff + link * SHDR_SIZE);
                long strOff = buf.getLong(str + 24);
                long strLen = buf.getLong(str + 32);
                if (!fits(strOff, strLen)) {
                    throw fail("string table section " + link + " (offset " + strOff + ", size " + strLen
                            + ") does not fit the file");
                }
                symbolTables.add(new long[] {off, len / SYM_SIZE, strOff, strLen});
            }
        }
    }

    private boolean fits(long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= buf.limit() && length <= buf.limit() - offset;
    }

    private ElfFormatException fail(String problem) {
        return new ElfFormatException(name, problem);
    }

    @Override
    public String toString() {
        return "ExecutableFile[" + name + "]";
    }
}
