package io.jbpf.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * BPF instructions as text, in the notation of the kernel's verifier log and of
 * {@code bpftool prog dump xlated}: {@code (61) r2 = *(u32 *)(r1 +0)}, {@code (85) call
 * bpf_map_lookup_elem#1}, {@code (18) r1 = map[id:7]}. Translated instructions name maps by id
 * (the kernel puts the id where the map's address is) and helpers by the kernel function the
 * call goes to (an offset from {@code __bpf_call_base}).
 */
final class Disassembler {
    private static final String[] SIZES = {"u32", "u16", "u8", "u64"};
    private static final String[] ALU_OPS = {"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=",
        "s>>=", "endian"};
    private static final String[] JMP_OPS = {"goto", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit", "<", "<=",
        "s<", "s<="};
    private static final int PSEUDO_MAP_FD = 1;
    private static final int PSEUDO_MAP_VALUE = 2;
    private static final int PSEUDO_CALL = 1;
    private static final int PSEUDO_KFUNC_CALL = 2;

    private Disassembler() {
    }

    /**
     * One instruction: its index (a 16-byte load counts two), its text without the index, and
     * its bytes in hex.
     */
    record Line(int index, String text, String opcodes) {
    }

    /** {@code insns} (8 bytes each) as text; helper calls named from /proc/kallsyms when it is readable. */
    static List<Line> disassemble(byte[] insns) {
        return disassemble(insns, KallsymsCalls.INSTANCE);
    }

    /**
     * {@code insns} as text; {@code helperName} names the helper a translated call goes to, by
     * the call's immediate (null when unknown: the number alone is printed then).
     */
    static List<Line> disassemble(byte[] insns, IntFunction<String> helperName) {
        ByteBuffer b = ByteBuffer.wrap(insns).order(ByteOrder.LITTLE_ENDIAN);
        List<Line> out = new ArrayList<>();
        int n = insns.length / 8;
        for (int i = 0; i < n; i++) {
            int at = 8 * i;
            int code = Byte.toUnsignedInt(b.get(at));
            int regs = Byte.toUnsignedInt(b.get(at + 1));
            int dst = regs & 0xf;
            int src = regs >>> 4;
            short off = b.getShort(at + 2);
            int imm = b.getInt(at + 4);
            boolean wide = code == 0x18 && i + 1 < n;
            String text = wide ? ldImm64(code, dst, src, imm, b.getInt(at + 12))
                    : one(code, dst, src, off, imm, helperName);
            out.add(new Line(i, text, HexFormat.ofDelimiter(" ").formatHex(insns, at, at + (wide ? 16 : 8))));
            if (wide) {
                i++;
            }
        }
        return out;
    }

    private static String ldImm64(int code, int dst, int src, int imm, int nextImm) {
        String v;
        if (src == PSEUDO_MAP_FD) {
            v = "map[id:" + Integer.toUnsignedString(imm) + "]";
        } else if (src == PSEUDO_MAP_VALUE) {
            v = "map[id:" + Integer.toUnsignedString(imm) + "][0]+" + Integer.toUnsignedString(nextImm);
        } else {
            v = "0x" + Long.toHexString((long) nextImm << 32 | Integer.toUnsignedLong(imm));
        }
        return op(code) + "r" + dst + " = " + v;
    }

    private static String op(int code) {
        return "(" + (code < 0x10 ? "0" : "") + Integer.toHexString(code) + ") ";
    }

    private static String one(int code, int dst, int src, short off, int imm, IntFunction<String> helperName) {
        int cls = code & 7;
        int size = (code >>> 3) & 3;
        int mode = code & 0xe0;
        String p = op(code);
        switch (cls) {
            case 0x04, 0x07 -> {
                char r = cls == 0x07 ? 'r' : 'w';
                int aluOp = code >>> 4;
                boolean x = (code & 0x08) != 0;
                if (aluOp == 0xd) {
                    if (cls == 0x07) {
                        return p + "r" + dst + " = bswap" + imm + " r" + dst;
                    }
                    return p + "r" + dst + " = " + (x ? "be" : "le") + imm + " r" + dst;
                }
                if (aluOp == 0x8) {
                    return p + r + dst + " = -" + r + dst;
                }
                if (aluOp == 0xb && x && off == 1 && cls == 0x07) {
                    return p + "r" + dst + " = addr_space_cast(r" + src + ", " + (imm >>> 16) + ", " + (imm & 0xffff) + ")";
                }
                if (aluOp == 0xb && x && off == -1 && cls == 0x07) {
                    // the kernel's own per-CPU address conversion (BPF_ADDR_PERCPU), as upstream disasm.c prints it
                    return p + "r" + dst + " = &(void __percpu *)(r" + src + ")";
                }
                if (aluOp == 0xb && (off == 8 || off == 16 || off == 32)) {
                    return p + r + dst + " = (s" + off + ")" + r + src;
                }
                String o = aluOp < ALU_OPS.length ? ALU_OPS[aluOp] : "?";
                if (off == 1 && (aluOp == 0x3 || aluOp == 0x9)) {
                    o = "s" + o; // signed division and modulo (cpu v4)
                }
                return p + r + dst + " " + o + " " + (x ? r + Integer.toString(src) : Integer.toString(imm));
            }
            case 0x03 -> {
                if (mode == 0x60) {
                    return p + "*(" + SIZES[size] + " *)(r" + dst + " " + signed(off) + ") = r" + src;
                }
                if (mode == 0xc0) {
                    return p + atomic(imm, size, dst, src, off);
                }
                return p + "BUG_st_" + Integer.toHexString(code);
            }
            case 0x02 -> {
                return p + "*(" + SIZES[size] + " *)(r" + dst + " " + signed(off) + ") = " + imm;
            }
            case 0x01 -> {
                String sz = mode == 0x80 ? "s" + SIZES[size].substring(1) : SIZES[size];
                return p + "r" + dst + " = *(" + sz + " *)(r" + src + " " + signed(off) + ")";
            }
            case 0x00 -> {
                if (mode == 0x20) {
                    return p + "r0 = *(" + SIZES[size] + " *)skb[" + imm + "]";
                }
                if (mode == 0x40) {
                    return p + "r0 = *(" + SIZES[size] + " *)skb[r" + src + " + " + imm + "]";
                }
                return p + "BUG_ld_" + Integer.toHexString(code);
            }
            case 0x05, 0x06 -> {
                char r = cls == 0x05 ? 'r' : 'w';
                int jop = code >>> 4;
                boolean x = (code & 0x08) != 0;
                if (code == 0x85) {
                    if (src == PSEUDO_CALL) {
                        return p + "call pc" + signed(imm);
                    }
                    if (src == PSEUDO_KFUNC_CALL) {
                        return p + "call kernel-function";
                    }
                    String name = helperName.apply(imm);
                    return p + "call " + (name != null ? name : "") + "#" + imm;
                }
                if (code == 0x95) {
                    return p + "exit";
                }
                if (code == 0x05) {
                    return p + "goto pc" + signed(off);
                }
                if (code == 0x06) {
                    return p + "gotol pc" + signed(imm);
                }
                String o = jop < JMP_OPS.length ? JMP_OPS[jop] : "?";
                return p + "if " + r + dst + " " + o + " " + (x ? r + Integer.toString(src)
                        : "0x" + Integer.toHexString(imm)) + " goto pc" + signed(off);
            }
            default -> {
                return p + "unknown";
            }
        }
    }

    private static String atomic(int imm, int size, int dst, int src, short off) {
        String mem = "(" + SIZES[size] + " *)(r" + dst + " " + signed(off) + ")";
        boolean fetch = (imm & 1) != 0;
        int aop = imm & ~1;
        String name = switch (aop) {
            case 0x00 -> "add";
            case 0x40 -> "or";
            case 0x50 -> "and";
            case 0xa0 -> "xor";
            default -> null;
        };
        if (name != null && !fetch) {
            String sym = switch (aop) {
                case 0x00 -> "+=";
                case 0x40 -> "|=";
                case 0x50 -> "&=";
                default -> "^=";
            };
            return "lock *" + mem + " " + sym + " r" + src;
        }
        if (name != null) {
            return "r" + src + " = atomic" + (size == 3 ? "64" : "") + "_fetch_" + name + "(*" + mem + ", r" + src + ")";
        }
        if (imm == 0xe1) {
            return "r" + src + " = atomic" + (size == 3 ? "64" : "") + "_xchg(*" + mem + ", r" + src + ")";
        }
        if (imm == 0xf1) {
            return "r0 = atomic" + (size == 3 ? "64" : "") + "_cmpxchg(*" + mem + ", r0, r" + src + ")";
        }
        return "BUG_atomic_" + Integer.toHexString(imm);
    }

    /** {@code +4} / {@code -16}: offsets as the kernel's {@code %+d} prints them. */
    private static String signed(int v) {
        return v >= 0 ? "+" + v : Integer.toString(v);
    }

    /**
     * Names translated helper calls from /proc/kallsyms: the call goes to
     * {@code __bpf_call_base + imm}. Read once, on the first call instruction.
     */
    private static final class KallsymsCalls implements IntFunction<String> {
        static final KallsymsCalls INSTANCE = new KallsymsCalls();
        private Map<Long, String> byAddress;
        private long base;

        @Override
        public synchronized String apply(int imm) {
            if (byAddress == null) {
                load();
            }
            return base == 0 ? null : byAddress.get(base + imm);
        }

        private void load() {
            byAddress = new HashMap<>();
            try (BufferedReader r = Files.newBufferedReader(Path.of("/proc/kallsyms"))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    int s1 = line.indexOf(' ');
                    int s2 = line.indexOf(' ', s1 + 1);
                    if (s1 < 0 || s2 < 0) {
                        continue;
                    }
                    char t = line.charAt(s1 + 1);
                    if (t != 'T' && t != 't') {
                        continue;
                    }
                    int end = line.indexOf('\t', s2 + 1);
                    String name = line.substring(s2 + 1, end < 0 ? line.length() : end);
                    long addr = Long.parseUnsignedLong(line.substring(0, s1), 16);
                    if (name.equals("__bpf_call_base")) {
                        base = addr;
                    }
                    byAddress.putIfAbsent(addr, name);
                }
            } catch (IOException | NumberFormatException e) {
                base = 0; // no names: calls print their number alone
            }
        }
    }
}
