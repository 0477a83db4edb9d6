package io.jbpf;

import io.jbpf.common.BpfException;
import io.jbpf.spec.ExternSpec;
import io.jbpf.spec.ProgramSpec;
import io.jbpf.spec.Relocation;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Patches a program's instructions with what the kernel answered: map fds and global-data offsets
 * into {@code ld_imm64}, kfunc BTF ids into calls, __ksym BTF ids or addresses, and libbpf's
 * poison for weak kfuncs the kernel lacks. Pure: the answers come through {@link Symbols}, so the
 * patching is tested without a kernel; {@link ObjectLoader} gives it the live answers.
 */
final class Relocator {
    static final int BPF_PSEUDO_MAP_FD = 1;
    static final int BPF_PSEUDO_MAP_VALUE = 2;
    static final int BPF_PSEUDO_BTF_ID = 3;
    static final int BPF_PSEUDO_KFUNC_CALL = 2;
    /** libbpf's base for the helper number a poisoned call to a missing weak kfunc gets. */
    static final int POISON_CALL_KFUNC_BASE = 2002000000;

    /** What the kernel (or a test) answers for the names a program refers to. */
    interface Symbols {
        /** The fd of the loaded map {@code name}. */
        int mapFd(String name);

        /** BTF id of kernel function {@code name}, or 0 when the kernel has none. */
        int funcId(String name);

        /** BTF id of kernel variable {@code name}, or 0 when the kernel has none. */
        int varId(String name);

        /** Address of kernel symbol {@code name}, or 0 when it is not there. */
        long address(String name);
    }

    private Relocator() {
    }

    /** A copy of {@code p}'s instructions with every relocation applied; its object's externs are {@link ProgramSpec#externs()}. */
    static byte[] relocate(ProgramSpec p, Symbols symbols) {
        String where = p.source() + ": section " + p.section() + ", program " + p.name();
        List<ExternSpec> externs = p.externs();
        byte[] insns = p.instructions();
        ByteBuffer b = ByteBuffer.wrap(insns).order(ByteOrder.LITTLE_ENDIAN);
        for (Relocation r : p.relocations()) {
            int at = r.instruction() * ProgramSpec.INSN_SIZE;
            switch (r.kind()) {
                case MAP, DATA -> {
                    int pseudo = r.kind() == Relocation.Kind.DATA ? BPF_PSEUDO_MAP_VALUE : BPF_PSEUDO_MAP_FD;
                    setSrc(insns, at, pseudo);
                    b.putInt(at + 4, symbols.mapFd(r.target()));
                    b.putInt(at + ProgramSpec.INSN_SIZE + 4, (int) r.offset());
                }
                case KFUNC -> {
                    int id = symbols.funcId(r.target());
                    if (id == 0) {
                        if (!extern(externs, r).weak()) {
                            throw new BpfException(where + ", instruction " + r.instruction() + ": kfunc '" + r.target()
                                    + "' is not in this kernel's BTF");
                        }
                        // A weak kfunc the kernel lacks: a call to a helper that cannot exist, with a
                        // number naming the extern (as libbpf poisons it). Programs guard such calls
                        // with bpf_ksym_exists(), so the verifier never reaches it; if it does, its
                        // "invalid func unknown#2002000NNN" points here.
                        b.put(at + 1, (byte) 0);
                        b.putShort(at + 2, (short) 0);
                        b.putInt(at + 4, POISON_CALL_KFUNC_BASE + externs.indexOf(extern(externs, r)));
                        continue;
                    }
                    setSrc(insns, at, BPF_PSEUDO_KFUNC_CALL);
                    b.putInt(at + 4, id);
                    b.putShort(at + 2, (short) 0); // 0: the function is in vmlinux, not a module
                }
                case KSYM -> {
                    ExternSpec e = extern(externs, r);
                    if (e.kind() == ExternSpec.Kind.KFUNC || e.typed()) {
                        int id = e.kind() == ExternSpec.Kind.KFUNC ? symbols.funcId(r.target()) : symbols.varId(r.target());
                        if (id == 0) {
                            if (!e.weak()) {
                                throw new BpfException(where + ", instruction " + r.instruction() + ": __ksym '"
                                        + r.target() + "' is not in this kernel's BTF");
                            }
                            continue; // weak and missing: the ld_imm64 loads 0, as bpf_ksym_exists() expects
                        }
                        setSrc(insns, at, BPF_PSEUDO_BTF_ID);
                        b.putInt(at + 4, id);
                        b.putInt(at + ProgramSpec.INSN_SIZE + 4, 0);
                    } else {
                        long addr = symbols.address(r.target());
                        if (addr == 0 && !e.weak()) {
                            throw new BpfException(where + ", instruction " + r.instruction() + ": __ksym '" + r.target()
                                    + "' is not in /proc/kallsyms");
                        }
                        b.putInt(at + 4, (int) addr);
                        b.putInt(at + ProgramSpec.INSN_SIZE + 4, (int) (addr >>> 32));
                    }
                }
                case EXTERN -> throw new BpfException(where + ", instruction " + r.instruction() + ": symbol '"
                        + r.symbol() + "' is not defined in the object and is neither a __kconfig nor a __ksym extern");
            }
        }
        return insns;
    }

    private static void setSrc(byte[] insns, int at, int src) {
        insns[at + 1] = (byte) ((insns[at + 1] & 0x0f) | (src << 4));
    }

    private static ExternSpec extern(List<ExternSpec> externs, Relocation r) {
        return externs.stream().filter(e -> e.name().equals(r.target())).findFirst().orElseThrow();
    }
}
