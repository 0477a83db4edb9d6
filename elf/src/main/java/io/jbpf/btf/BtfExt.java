package io.jbpf.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code .BTF.ext} section: per ELF section, the function info (which BTF FUNC starts at which
 * instruction) and line info (which source line an instruction came from) that BPF_PROG_LOAD
 * takes. Instruction offsets here are in bytes from the start of the ELF section, as clang writes
 * them. CO-RE relocation records are read only so that objects needing them can be recognised.
 */
public final class BtfExt {
    /**
     * One record: {@code fields[0]} is the instruction byte offset in its section; the rest is as
     * the kernel reads it ({@code type_id} for func info; file, line, column for line info).
     */
    public record Record(int[] fields) {
        public int insnOffset() {
            return fields[0];
        }
    }

    /** Records of one kind, by ELF section name, with their record size in bytes. */
    public record Info(int recordSize, Map<String, List<Record>> bySection) {
        public List<Record> section(String name) {
            return bySection.getOrDefault(name, List.of());
        }
    }

    private static final int HEADER_MIN = 24;
    /** Record offsets are in bytes and must fall on an instruction. */
    private static final int INSN_SIZE = 8;
    private final Info funcInfo;
    private final Info lineInfo;
    private final Info coreRelos;

    private BtfExt(Info funcInfo, Info lineInfo, Info coreRelos) {
        this.funcInfo = funcInfo;
        this.lineInfo = lineInfo;
        this.coreRelos = coreRelos;
    }

    /** Parses {@code data}; section names are looked up in {@code btf}'s string table. */
    public static BtfExt parse(String label, byte[] data, Btf btf) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < HEADER_MIN || Short.toUnsignedInt(b.getShort(0)) != Btf.MAGIC) {
            throw new BtfFormatException(label + ": not BTF.ext data (bad magic or truncated header)");
        }
        long hdrLen = Integer.toUnsignedLong(b.getInt(4));
        if (hdrLen < HEADER_MIN || hdrLen > data.length) {
            throw new BtfFormatException(label + ": header length " + hdrLen + " outside the " + data.length + "-byte data");
        }
        Info func = info(label + " func_info", b, hdrLen, b.getInt(8), b.getInt(12), 8, btf);
        Info line = info(label + " line_info", b, hdrLen, b.getInt(16), b.getInt(20), 16, btf);
        // Headers of 32 bytes and more add the CO-RE relocation records.
        Info core = hdrLen >= 32 && data.length >= 32
                ? info(label + " core_relo", b, hdrLen, b.getInt(24), b.getInt(28), 16, btf) : new Info(16, Map.of());
        return new BtfExt(func, line, core);
    }

    public Info funcInfo() {
        return funcInfo;
    }

    public Info lineInfo() {
        return lineInfo;
    }

    /** CO-RE relocation records (instruction offset, type id, access string, kind). */
    public Info coreRelocations() {
        return coreRelos;
    }

    private static Info info(String label, ByteBuffer b, long hdrLen, int offI, int lenI, int minRec, Btf btf) {
        long off = Integer.toUnsignedLong(offI);
        long len = Integer.toUnsignedLong(lenI);
        if (len == 0) {
            return new Info(minRec, Map.of());
        }
        long start = hdrLen + off;
        long end = start + len;
        if (end > b.limit() || len < 4) {
            throw new BtfFormatException(label + ": lies outside the data");
        }
        int recSize = b.getInt((int) start);
        if (recSize < minRec || recSize % 4 != 0) {
            throw new BtfFormatException(label + ": record size " + recSize + " (at least " + minRec + " expected)");
        }
        Map<String, List<Record>> out = new LinkedHashMap<>();
        long at = start + 4;
        while (at < end) {
            if (at + 8 > end) {
                throw new BtfFormatException(label + ": truncated section header");
            }
            String sec = btf.string(b.getInt((int) at));
            long n = Integer.toUnsignedLong(b.getInt((int) at + 4));
            at += 8;
            if (at + n * recSize > end) {
                throw new BtfFormatException(label + ": " + n + " records for section " + sec + " run past the end");
            }
            List<Record> recs = new ArrayList<>((int) n);
            for (long i = 0; i < n; i++) {
                int[] f = new int[recSize / 4];
                for (int k = 0; k < f.length; k++) {
                    f[k] = b.getInt((int) at + k * 4);
                }
                if (f[0] < 0 || f[0] % INSN_SIZE != 0) {
                    throw new BtfFormatException(label + ": record " + i + " for section " + sec
                            + " points at byte " + Integer.toUnsignedString(f[0]) + ", not at an instruction");
                }
                recs.add(new Record(f));
                at += recSize;
            }
            out.put(sec, Collections.unmodifiableList(recs));
        }
        return new Info(recSize, Collections.unmodifiableMap(out));
    }
}
