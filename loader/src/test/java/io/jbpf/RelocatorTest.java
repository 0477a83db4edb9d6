package io.jbpf;

import io.jbpf.common.BpfException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.ProgramSpec;
import io.jbpf.spec.Relocation;
import io.jbpf.testing.Objects;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Instruction patching without a kernel: real clang objects, and made-up answers for map fds,
 * BTF ids and addresses, so each patched field can be checked against what was asked.
 */
class RelocatorTest {
    private static final int LD_IMM64 = 0x18;
    private static final int CALL = 0x85;

    /** Answers derived from the name, so a test knows what each should be; names in {@code missing} answer 0. */
    private record FakeKernel(Set<String> missing) implements Relocator.Symbols {
        static int fd(String map) {
            return 100 + Math.floorMod(map.hashCode(), 1000);
        }

        static int id(String name) {
            return 50_000 + Math.floorMod(name.hashCode(), 10_000);
        }

        static long addr(String name) {
            return 0xffffffff81000000L + Math.floorMod(name.hashCode(), 1 << 20) * 16L;
        }

        @Override
        public int mapFd(String name) {
            return fd(name);
        }

        @Override
        public int funcId(String name) {
            return missing.contains(name) ? 0 : id(name);
        }

        @Override
        public int varId(String name) {
            return missing.contains(name) ? 0 : id(name);
        }

        @Override
        public long address(String name) {
            return missing.contains(name) ? 0 : addr(name);
        }
    }

    private static ByteBuffer relocated(BpfObjectSpec spec, ProgramSpec p, Set<String> missing) {
        return ByteBuffer.wrap(Relocator.relocate(p, new FakeKernel(missing))).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int src(ByteBuffer b, int insn) {
        return (b.get(insn * 8 + 1) & 0xff) >>> 4;
    }

    private static int imm(ByteBuffer b, int insn) {
        return b.getInt(insn * 8 + 4);
    }

    @Test
    void mapAndGlobalDataReferencesGetTheirFdAndOffset() {
        BpfObjectSpec spec = BpfObjectSpec.read(Objects.golden("corpus/globals_data.o"));
        ProgramSpec p = spec.program("xdp_globals_main");
        ByteBuffer b = relocated(spec, p, Set.of());
        int checked = 0;
        for (Relocation r : p.relocations()) {
            if (r.kind() != Relocation.Kind.MAP && r.kind() != Relocation.Kind.DATA) {
                continue;
            }
            int i = r.instruction();
            assertThat(b.get(i * 8) & 0xff).as("insn %d is ld_imm64", i).isEqualTo(LD_IMM64);
            assertThat(src(b, i)).as("insn %d", i).isEqualTo(r.kind() == Relocation.Kind.DATA
                    ? Relocator.BPF_PSEUDO_MAP_VALUE : Relocator.BPF_PSEUDO_MAP_FD);
            assertThat(imm(b, i)).isEqualTo(FakeKernel.fd(r.target()));
            assertThat(imm(b, i + 1)).as("second half: offset in the map").isEqualTo((int) r.offset());
            checked++;
        }
        assertThat(checked).as("the object refers to maps and global data").isGreaterThan(3);
        assertUntouchedElsewhere(p, b);
    }

    @Test
    void kfuncCallsKsymsAndKconfigArePatchedAsLibbpfDoes() {
        BpfObjectSpec spec = BpfObjectSpec.read(Objects.golden("corpus/externs_ksym_kconfig.o"));
        ProgramSpec p = spec.program("xdp_externs");
        ByteBuffer b = relocated(spec, p, Set.of());
        Set<Relocation.Kind> seen = new HashSet<>();
        for (Relocation r : p.relocations()) {
            int i = r.instruction();
            seen.add(r.kind());
            switch (r.kind()) {
                case KFUNC -> {
                    assertThat(b.get(i * 8) & 0xff).isEqualTo(CALL);
                    assertThat(src(b, i)).isEqualTo(Relocator.BPF_PSEUDO_KFUNC_CALL);
                    assertThat(imm(b, i)).isEqualTo(FakeKernel.id(r.target()));
                    assertThat(b.getShort(i * 8 + 2)).as("offset 0: vmlinux, not a module").isZero();
                }
                case KSYM -> { // _text: untyped, its address split over the two halves
                    assertThat(src(b, i)).isZero();
                    long addr = Integer.toUnsignedLong(imm(b, i)) | (long) imm(b, i + 1) << 32;
                    assertThat(addr).isEqualTo(FakeKernel.addr(r.target()));
                }
                case DATA -> assertThat(src(b, i)).isEqualTo(Relocator.BPF_PSEUDO_MAP_VALUE);
                default -> {
                }
            }
        }
        assertThat(seen).contains(Relocation.Kind.KFUNC, Relocation.Kind.KSYM, Relocation.Kind.DATA);
    }

    @Test
    void weakExternsTheKernelLacksLoadZeroAndTheirCallsArePoisoned() {
        BpfObjectSpec spec = BpfObjectSpec.read(Objects.golden("corpus/externs_virtual_weak.o"));
        ProgramSpec p = spec.program("xdp_virtual_weak");
        Set<String> missing = Set.of("bpf_jbpf_no_such_kfunc", "jbpf_no_such_ksym", "jbpf_no_such_untyped");
        ByteBuffer b = relocated(spec, p, missing);
        int calls = 0;
        int loads = 0;
        for (Relocation r : p.relocations()) {
            int i = r.instruction();
            boolean gone = missing.contains(r.target());
            if (r.kind() == Relocation.Kind.KFUNC) {
                calls++;
                assertThat(b.get(i * 8) & 0xff).isEqualTo(CALL);
                if (gone) {
                    int index = spec.externs().indexOf(spec.externs().stream()
                            .filter(e -> e.name().equals(r.target())).findFirst().orElseThrow());
                    assertThat(src(b, i)).as("a helper call, not a kfunc call").isZero();
                    assertThat(imm(b, i)).isEqualTo(Relocator.POISON_CALL_KFUNC_BASE + index);
                } else {
                    assertThat(src(b, i)).isEqualTo(Relocator.BPF_PSEUDO_KFUNC_CALL);
                }
            } else if (r.kind() == Relocation.Kind.KSYM) {
                loads++;
                if (gone) {
                    assertThat(src(b, i)).as("%s: a plain constant", r.target()).isZero();
                    assertThat(imm(b, i)).isZero();
                    assertThat(imm(b, i + 1)).isZero();
                } else { // bpf_dynptr_from_xdp's address, as bpf_ksym_exists() takes it: its BTF id
                    assertThat(src(b, i)).isEqualTo(Relocator.BPF_PSEUDO_BTF_ID);
                    assertThat(imm(b, i)).isEqualTo(FakeKernel.id(r.target()));
                }
            }
        }
        assertThat(calls).as("one missing, one present kfunc call").isEqualTo(2);
        assertThat(loads).as("two kfunc addresses, two ksym addresses").isEqualTo(4);
    }

    @Test
    void aKfuncTheKernelLacksWithoutWeakIsAnErrorNamingIt() {
        BpfObjectSpec spec = BpfObjectSpec.read(Objects.golden("corpus/err_missing_ksym.o"));
        ProgramSpec p = spec.program("xdp_missing_ksym");
        assertThatThrownBy(() -> relocated(spec, p, Set.of("bpf_jbpf_no_such_kfunc")))
                .isInstanceOf(BpfException.class).hasMessageContaining("program xdp_missing_ksym")
                .hasMessageContaining("kfunc 'bpf_jbpf_no_such_kfunc' is not in this kernel's BTF");
    }

    /** Instructions no relocation names (nor the second half of a patched ld_imm64) are as clang wrote them. */
    private static void assertUntouchedElsewhere(ProgramSpec p, ByteBuffer b) {
        Set<Integer> patched = new HashSet<>();
        for (Relocation r : p.relocations()) {
            patched.addAll(List.of(r.instruction(), r.instruction() + 1));
        }
        byte[] orig = p.instructions();
        for (int i = 0; i < p.instructionCount(); i++) {
            if (!patched.contains(i)) {
                for (int k = 0; k < 8; k++) {
                    assertThat(b.get(i * 8 + k)).as("insn %d byte %d", i, k).isEqualTo(orig[i * 8 + k]);
                }
            }
        }
    }
}
