package io.jbpf.spec;

import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfKind;
import io.jbpf.btf.BtfType;
import io.jbpf.elf.ElfFile;
import io.jbpf.elf.ElfSection;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the structure fields of an undamaged object lie: ELF header, section headers, symbols,
 * relocations, BTF header and type records, BTF.ext header and records, and the .kconfig/.ksyms
 * DATASEC entries. The mutation run sets these to extreme values: a length, count or offset that
 * a reader uses before checking is found far faster this way than by flipping random bits.
 */
final class ObjectFields {
    /** {@code width} bytes (1, 2, 4 or 8, little-endian) at file offset {@code offset}. */
    record Field(int offset, int width, String label) {
    }

    private final List<Field> fields = new ArrayList<>();
    /** Offsets where a structure starts: truncating there cuts a record off cleanly. */
    private final List<Integer> boundaries = new ArrayList<>();
    /** The .kconfig/.ksyms fields (also in {@link #all()}), picked more often. */
    private final List<Field> externFields = new ArrayList<>();

    private ObjectFields() {
    }

    List<Field> all() {
        return fields;
    }

    List<Field> externFields() {
        return externFields;
    }

    List<Integer> boundaries() {
        return boundaries;
    }

    static ObjectFields of(String name, byte[] bytes) {
        ObjectFields f = new ObjectFields();
        ElfFile elf = ElfFile.parse(name, bytes.clone());
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        f.add(16, 2, "e_type");
        f.add(18, 2, "e_machine");
        f.add(40, 8, "e_shoff");
        f.add(58, 2, "e_shentsize");
        f.add(60, 2, "e_shnum");
        f.add(62, 2, "e_shstrndx");
        f.add(4, 1, "e_ident[EI_CLASS]");
        f.add(5, 1, "e_ident[EI_DATA]");
        long shoff = b.getLong(40);
        for (ElfSection s : elf.sections()) {
            int at = (int) shoff + s.index() * 64;
            String sh = "shdr[" + s.index() + " " + s.name() + "].";
            f.boundaries.add(at);
            f.add(at, 4, sh + "sh_name");
            f.add(at + 4, 4, sh + "sh_type");
            f.add(at + 8, 8, sh + "sh_flags");
            f.add(at + 24, 8, sh + "sh_offset");
            f.add(at + 32, 8, sh + "sh_size");
            f.add(at + 40, 4, sh + "sh_link");
            f.add(at + 44, 4, sh + "sh_info");
            f.add(at + 56, 8, sh + "sh_entsize");
            if (s.index() > 0 && s.type() != ElfSection.SHT_NOBITS) {
                f.boundaries.add((int) s.offset());
                f.boundaries.add((int) (s.offset() + s.size()));
            }
            if (s.type() == ElfSection.SHT_SYMTAB) {
                for (int i = 0; i < s.size() / 24; i++) {
                    int y = (int) s.offset() + i * 24;
                    String sym = "sym[" + i + "].";
                    f.boundaries.add(y);
                    f.add(y, 4, sym + "st_name");
                    f.add(y + 4, 1, sym + "st_info");
                    f.add(y + 6, 2, sym + "st_shndx");
                    f.add(y + 8, 8, sym + "st_value");
                    f.add(y + 16, 8, sym + "st_size");
                }
            }
            // Relocations of code and of .maps: debug sections' relocations (most of them) are not read.
            ElfSection target = s.type() == ElfSection.SHT_REL && s.info() > 0 && s.info() < elf.sections().size()
                    ? elf.sections().get(s.info()) : null;
            if (target != null && (target.isExecutable() || target.name().equals(BpfObjectSpec.MAPS_SECTION))) {
                for (int i = 0; i < s.size() / 16; i++) {
                    int r = (int) s.offset() + i * 16;
                    String rel = s.name() + "[" + i + "].";
                    f.add(r, 8, rel + "r_offset");
                    f.add(r + 8, 4, rel + "r_type");
                    f.add(r + 12, 4, rel + "r_sym");
                    long insn = target.offset() + b.getLong(r);
                    if (target.isExecutable() && insn >= 0 && insn + 8 <= bytes.length) {
                        // The instruction it patches: opcode, registers (src_reg marks calls), imm.
                        f.add((int) insn, 1, rel + "insn.code");
                        f.add((int) insn + 1, 1, rel + "insn.regs");
                        f.add((int) insn + 4, 4, rel + "insn.imm");
                    }
                }
            }
        }
        elf.section(".BTF").ifPresent(s -> f.btf(name, elf, s, b));
        return f;
    }

    private void btf(String name, ElfFile elf, ElfSection sec, ByteBuffer b) {
        int base = (int) sec.offset();
        add(base, 2, "BTF magic");
        add(base + 2, 1, "BTF version");
        add(base + 4, 4, "BTF hdr_len");
        add(base + 8, 4, "BTF type_off");
        add(base + 12, 4, "BTF type_len");
        add(base + 16, 4, "BTF str_off");
        add(base + 20, 4, "BTF str_len");
        Btf btf;
        try {
            btf = Btf.parse(name, elf.contents(sec));
        } catch (RuntimeException e) {
            return;
        }
        int types = base + b.getInt(base + 4) + b.getInt(base + 8);
        for (BtfType t : btf.types()) {
            int at = types + t.offset();
            String ty = "BTF type " + t.id() + " " + BtfKind.name(t.kind()) + ".";
            boolean extern = t.kind() == BtfKind.DATASEC && (t.name().equals(".kconfig") || t.name().equals(".ksyms"));
            boundaries.add(at);
            Field nameOff = add(at, 4, ty + "name_off");
            Field vlen = add(at + 4, 2, ty + "vlen");
            Field kind = add(at + 7, 1, ty + "kind|kflag");
            Field sizeOrType = add(at + 8, 4, ty + "size/type");
            if (extern) {
                externFields.addAll(List.of(nameOff, vlen, kind, sizeOrType));
            }
            int words = switch (t.kind()) {
                case BtfKind.INT, BtfKind.VAR, BtfKind.DECL_TAG -> 1;
                case BtfKind.ARRAY -> 3;
                case BtfKind.STRUCT, BtfKind.UNION, BtfKind.DATASEC, BtfKind.ENUM64 -> 3 * t.vlen();
                case BtfKind.ENUM, BtfKind.FUNC_PROTO -> 2 * t.vlen();
                default -> 0;
            };
            for (int w = 0; w < words; w++) {
                Field x = add(at + 12 + 4 * w, 4, ty + "data[" + w + "]");
                if (extern) {
                    externFields.add(x);
                }
            }
            if (extern) {
                // The variables the extern DATASEC lists, and the types they have.
                for (BtfType.Member m : t.members()) {
                    BtfType var = btf.type(m.type());
                    if (var != null) {
                        int v = types + var.offset();
                        externFields.add(new Field(v + 4, 4, "BTF extern var " + var.name() + " info"));
                        externFields.add(new Field(v + 8, 4, "BTF extern var " + var.name() + " type"));
                        externFields.add(new Field(v + 12, 4, "BTF extern var " + var.name() + " linkage"));
                        BtfType vt = var.kind() == BtfKind.FUNC || var.kind() == BtfKind.VAR
                                ? btf.type(btf.skipQualifiers(var.type())) : null;
                        if (vt != null) {
                            int x = types + vt.offset();
                            externFields.add(new Field(x + 4, 4, "BTF extern type " + vt.id() + " info"));
                            externFields.add(new Field(x + 8, 4, "BTF extern type " + vt.id() + " size/type"));
                            externFields.add(new Field(x + 12, 4, "BTF extern type " + vt.id() + " data[0]"));
                        }
                    }
                }
            }
        }
        elf.section(".BTF.ext").ifPresent(x -> btfExt(x, b));
    }

    private void btfExt(ElfSection sec, ByteBuffer b) {
        int base = (int) sec.offset();
        int end = base + (int) sec.size();
        add(base, 2, "BTF.ext magic");
        add(base + 4, 4, "BTF.ext hdr_len");
        String[] infos = {"func_info", "line_info", "core_relo"};
        int hdrLen = b.getInt(base + 4);
        for (int k = 0; k < 3 && 8 + 8 * k + 8 <= hdrLen; k++) {
            int offField = base + 8 + 8 * k;
            add(offField, 4, "BTF.ext " + infos[k] + "_off");
            add(offField + 4, 4, "BTF.ext " + infos[k] + "_len");
            int start = base + hdrLen + b.getInt(offField);
            int len = b.getInt(offField + 4);
            if (len < 4 || start + len > end) {
                continue;
            }
            add(start, 4, "BTF.ext " + infos[k] + " rec_size");
            int recSize = b.getInt(start);
            int at = start + 4;
            for (int s = 0; at + 8 <= start + len && recSize > 0; s++) {
                boundaries.add(at);
                add(at, 4, "BTF.ext " + infos[k] + " sec[" + s + "].sec_name_off");
                add(at + 4, 4, "BTF.ext " + infos[k] + " sec[" + s + "].num_info");
                int n = b.getInt(at + 4);
                at += 8;
                for (int i = 0; i < n && at + recSize <= start + len; i++) {
                    for (int w = 0; w < recSize / 4; w++) {
                        add(at + 4 * w, 4, "BTF.ext " + infos[k] + " sec[" + s + "] rec[" + i + "] word " + w);
                    }
                    at += recSize;
                }
            }
        }
    }

    private Field add(int offset, int width, String label) {
        Field f = new Field(offset, width, label);
        fields.add(f);
        return f;
    }
}
