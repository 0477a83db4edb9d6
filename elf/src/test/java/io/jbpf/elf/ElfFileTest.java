package io.jbpf.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jbpf.common.BpfException;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.BpfObjects;
import io.jbpf.testing.ElfPatch;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

class ElfFileTest {
    static final List<String> OBJECTS = BpfObjects.ALL;

    static ElfFile read(String file) {
        return ElfFile.read(BpfObjects.path(file));
    }

    /** Reading the real clang outputs. */
    @Nested
    class ClangObjects {
        @ParameterizedTest
        @FieldSource("io.jbpf.elf.ElfFileTest#OBJECTS")
        void everyObjectReadsWithSymtabStrtabAndProgramSection(String file) {
            ElfFile elf = read(file);

            assertThat(elf.name()).isEqualTo(BpfObjects.path(file).toString());
            assertThat(elf.sections().get(0).type()).isEqualTo(ElfSection.SHT_NULL);
            for (int i = 0; i < elf.sections().size(); i++) {
                assertThat(elf.sections().get(i).index()).isEqualTo(i);
            }
            ElfSection symtab = elf.section(".symtab").orElseThrow();
            assertThat(symtab.type()).isEqualTo(ElfSection.SHT_SYMTAB);
            assertThat(symtab.entsize()).isEqualTo(24);
            assertThat(elf.symbols()).hasSize((int) (symtab.size() / 24));
            assertThat(elf.sections().get(symtab.link()).type()).isEqualTo(ElfSection.SHT_STRTAB);
            // Entry 0 is the null symbol.
            ElfSymbol nul = elf.symbols().get(0);
            assertThat(nul.name()).isEmpty();
            assertThat(nul.sectionIndex()).isEqualTo(ElfSymbol.SHN_UNDEF);
            assertThat(new String(elf.contents(elf.section("license").orElseThrow()), StandardCharsets.US_ASCII))
                    .isEqualTo("GPL\0");
            assertThat(elf.section(".text").orElseThrow().size()).isZero();
            assertThat(elf.section(".BTF")).isPresent();
        }

        @Test
        void xdpPassLayoutMatchesLlvmReadelf() {
            ElfFile elf = read("xdp_pass.o");

            // llvm-readelf -S: 28 section headers; clang shares .strtab between names and symbols.
            assertThat(elf.sections()).hasSize(28);
            assertThat(elf.sections().get(1).name()).isEqualTo(".strtab");
            assertThat(elf.section(".symtab").orElseThrow().link()).isEqualTo(1);
            assertThat(elf.section(".symtab").orElseThrow().index()).isEqualTo(27);
            assertThat(elf.symbols()).hasSize(16);

            ElfSection xdp = elf.section("xdp").orElseThrow();
            assertThat(xdp.index()).isEqualTo(3);
            assertThat(xdp.type()).isEqualTo(ElfSection.SHT_PROGBITS);
            assertThat(xdp.flags()).isEqualTo(ElfSection.SHF_ALLOC | ElfSection.SHF_EXECINSTR);
            assertThat(xdp.isExecutable()).isTrue();
            assertThat(xdp.offset()).isEqualTo(0x40);
            assertThat(xdp.size()).isEqualTo(0xa8);
            assertThat(xdp.addralign()).isEqualTo(8);

            ElfSection maps = elf.section(".maps").orElseThrow();
            assertThat(maps.isExecutable()).isFalse();
            assertThat(maps.flags()).isEqualTo(ElfSection.SHF_WRITE | ElfSection.SHF_ALLOC);
            assertThat(maps.size()).isEqualTo(32);

            ElfSection rel = elf.section(".relxdp").orElseThrow();
            assertThat(rel.type()).isEqualTo(ElfSection.SHT_REL);
            assertThat(rel.info()).isEqualTo(xdp.index());
            assertThat(rel.link()).isEqualTo(27);
            assertThat(rel.entsize()).isEqualTo(16);

            assertThat(elf.section("no-such-section")).isEmpty();
            assertThat(elf.section(3)).isEqualTo(xdp);
        }

        @Test
        void xdpPassSymbols() {
            ElfFile elf = read("xdp_pass.o");
            ElfSymbol func = symbol(elf, "xdp_pass_func");
            assertThat(func.type()).isEqualTo(ElfSymbol.STT_FUNC);
            assertThat(func.binding()).isEqualTo(ElfSymbol.STB_GLOBAL);
            assertThat(func.sectionIndex()).isEqualTo(elf.section("xdp").orElseThrow().index());
            assertThat(func.value()).isZero();
            assertThat(func.size()).isEqualTo(168);
            assertThat(elf.symbol(func.index())).isEqualTo(func);

            ElfSymbol map = symbol(elf, "xdp_stats_map");
            assertThat(map.type()).isEqualTo(ElfSymbol.STT_OBJECT);
            assertThat(map.sectionIndex()).isEqualTo(elf.section(".maps").orElseThrow().index());
            assertThat(map.size()).isEqualTo(32);
            assertThat(map.index()).isEqualTo(14);

            ElfSymbol license = symbol(elf, "_license");
            assertThat(license.sectionIndex()).isEqualTo(elf.section("license").orElseThrow().index());
            assertThat(license.size()).isEqualTo(4);

            ElfSymbol file = symbol(elf, "xdp_pass.c");
            assertThat(file.sectionIndex()).isEqualTo(ElfSymbol.SHN_ABS);

            // Section symbols have no name of their own (llvm-readelf shows the section's).
            ElfSymbol secSym = elf.symbols().stream().filter(s -> s.type() == ElfSymbol.STT_SECTION
                    && s.sectionIndex() == 3).findFirst().orElseThrow();
            assertThat(secSym.name()).isEmpty();
            assertThat(secSym.binding()).isEqualTo(ElfSymbol.STB_LOCAL);
        }

        /** Function symbols as {@code llvm-objdump -t} lists them (value and size in bytes). */
        @ParameterizedTest
        @CsvSource({
            "xdp_pass.o,            xdp_pass_func,            xdp,           0,   168",
            "xdp_drop.o,            xdp_drop_func,            xdp,           0,   168",
            "xdp_icmp_echo.o,       xdp_icmp_echo_func,       xdp_icmp_echo, 0,   2136",
            "xdp_legacy_maps.o,     xdp_legacy_func,          xdp_legacy,    0,   256",
            "xdp_multi.o,           xdp_multi_pass,           xdp,           0,   168",
            "xdp_multi.o,           xdp_multi_drop,           xdp,           168, 168",
            "xdp_multi.o,           xdp_multi_frags,          xdp.frags,     0,   168",
            "xdp_verifier_reject.o, xdp_verifier_reject_func, xdp,           0,   72",
        })
        void functionSymbols(String file, String func, String section, long value, long size) {
            ElfFile elf = read(file);
            ElfSymbol sym = symbol(elf, func);
            assertThat(sym.type()).isEqualTo(ElfSymbol.STT_FUNC);
            assertThat(sym.binding()).isEqualTo(ElfSymbol.STB_GLOBAL);
            assertThat(elf.section(sym.sectionIndex()).name()).isEqualTo(section);
            assertThat(sym.value()).isEqualTo(value);
            assertThat(sym.size()).isEqualTo(size);
            assertThat(sym.value() + sym.size()).isLessThanOrEqualTo(elf.section(section).orElseThrow().size());
        }

        @Test
        void onlyTheProgramFunctionsAreFunctionSymbols() {
            Map<String, Set<String>> funcs = new TreeMap<>();
            for (String file : OBJECTS) {
                funcs.put(file, read(file).symbols().stream().filter(s -> s.type() == ElfSymbol.STT_FUNC)
                        .map(ElfSymbol::name).collect(Collectors.toSet()));
            }
            assertThat(funcs).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "xdp_pass.o", Set.of("xdp_pass_func"),
                    "xdp_drop.o", Set.of("xdp_drop_func"),
                    "xdp_icmp_echo.o", Set.of("xdp_icmp_echo_func"),
                    "xdp_legacy_maps.o", Set.of("xdp_legacy_func"),
                    "xdp_multi.o", Set.of("xdp_multi_pass", "xdp_multi_drop", "xdp_multi_frags"),
                    "xdp_verifier_reject.o", Set.of("xdp_verifier_reject_func")));
        }

        /** Program REL sections as {@code llvm-readelf -r} lists them: every entry an ld_imm64 of a map. */
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "xdp_pass.o        | .relxdp           | xdp           | 0x30                   | xdp_stats_map",
            "xdp_drop.o        | .relxdp           | xdp           | 0x30                   | xdp_stats_map",
            "xdp_icmp_echo.o   | .relxdp_icmp_echo | xdp_icmp_echo | 0x48 0xf8 0x1c0 0x328 | xdp_stats_map xdp_stats_map xdp_stats_map xdp_stats_map",
            "xdp_legacy_maps.o | .relxdp_legacy    | xdp_legacy    | 0x40 0x78 0xd0         | legacy_counter legacy_ifindex_hash legacy_ifindex_hash",
            "xdp_multi.o       | .relxdp           | xdp           | 0x30 0xd8              | xdp_stats_map xdp_stats_map",
            "xdp_multi.o       | .relxdp.frags     | xdp.frags     | 0x30                   | xdp_stats_map",
        })
        void programRelocations(String file, String relName, String target, String offsets, String symbols) {
            ElfFile elf = read(file);
            ElfSection rel = elf.section(relName).orElseThrow();
            ElfSection code = elf.section(target).orElseThrow();
            assertThat(rel.info()).isEqualTo(code.index());
            assertThat(rel.link()).isEqualTo(elf.section(".symtab").orElseThrow().index());

            List<ElfRelocation> rels = elf.relocations(rel);
            assertThat(rels).extracting(ElfRelocation::offset)
                    .containsExactlyElementsOf(Arrays.stream(offsets.split(" ")).map(Long::decode).toList());
            assertThat(rels).extracting(r -> elf.symbol(r.symbolIndex()).name())
                    .containsExactly(symbols.split(" "));
            byte[] insns = elf.contents(code);
            for (ElfRelocation r : rels) {
                assertThat(r.type()).isEqualTo(ElfRelocation.R_BPF_64_64);
                // The patched instruction is the first half of an ld_imm64 (opcode 0x18, dst r1).
                assertThat(insns[(int) r.offset()] & 0xff).as("opcode at 0x%x", r.offset()).isEqualTo(0x18);
                assertThat(insns[(int) r.offset() + 1] & 0x0f).isEqualTo(1);
            }
        }

        @Test
        void verifierRejectHasNoProgramRelocations() {
            ElfFile elf = read("xdp_verifier_reject.o");
            int xdp = elf.section("xdp").orElseThrow().index();
            assertThat(elf.sections()).noneMatch(s -> s.type() == ElfSection.SHT_REL && s.info() == xdp);
            // It still has .rel.BTF, naming the only data symbol.
            List<ElfRelocation> btfRels = elf.relocations(elf.section(".rel.BTF").orElseThrow());
            assertThat(btfRels).singleElement().satisfies(r -> {
                assertThat(r.type()).isEqualTo(ElfRelocation.R_BPF_64_NODYLD32);
                assertThat(elf.symbol(r.symbolIndex()).name()).isEqualTo("_license");
            });
        }

        @ParameterizedTest
        @FieldSource("io.jbpf.elf.ElfFileTest#OBJECTS")
        void everyRelSectionReadsCompletely(String file) {
            ElfFile elf = read(file);
            List<ElfSection> rels = elf.sections().stream().filter(s -> s.type() == ElfSection.SHT_REL).toList();
            assertThat(rels).isNotEmpty();
            for (ElfSection rel : rels) {
                List<ElfRelocation> entries = elf.relocations(rel);
                assertThat(entries).as(rel.name()).hasSize((int) (rel.size() / 16));
                for (ElfRelocation r : entries) {
                    assertThat(r.symbolIndex()).isBetween(0, elf.symbols().size() - 1);
                    assertThat(r.offset()).isLessThan(elf.section(rel.info()).size());
                }
            }
        }

        @Test
        void relBtfOfXdpPassAsLlvmReadelfShowsIt() {
            ElfFile elf = read("xdp_pass.o");
            List<ElfRelocation> rels = elf.relocations(elf.section(".rel.BTF").orElseThrow());
            assertThat(rels).extracting(ElfRelocation::offset, ElfRelocation::type, r -> elf.symbol(r.symbolIndex()).name())
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(0x208L, ElfRelocation.R_BPF_64_NODYLD32, "xdp_stats_map"),
                            org.assertj.core.groups.Tuple.tuple(0x220L, ElfRelocation.R_BPF_64_NODYLD32, "_license"));
            assertThat(elf.relocations(elf.section(".rel.debug_str_offsets").orElseThrow())).hasSize(39)
                    .allMatch(r -> r.type() == ElfRelocation.R_BPF_64_ABS32);
        }

        @Test
        void contentsIsACopy() {
            ElfFile elf = read("xdp_pass.o");
            ElfSection license = elf.section("license").orElseThrow();
            byte[] first = elf.contents(license);
            first[0] = 'X';
            assertThat(elf.contents(license)).containsExactly('G', 'P', 'L', 0);
        }

        @Test
        void accessorsRejectBadIndicesNamingTheFile() {
            ElfFile elf = ElfFile.parse("pass.o", BpfObjects.bytes("xdp_pass.o"));
            assertThatThrownBy(() -> elf.section(0)).isInstanceOf(ElfFormatException.class)
                    .hasMessage("pass.o: section index 0 out of range (file has 28 sections)");
            assertThatThrownBy(() -> elf.section(28)).isInstanceOf(ElfFormatException.class)
                    .hasMessageContaining("section index 28 out of range");
            assertThatThrownBy(() -> elf.symbol(16)).isInstanceOf(ElfFormatException.class)
                    .hasMessage("pass.o: symbol index 16 out of range (symbol table has 16 entries)");
            assertThatThrownBy(() -> elf.symbol(-1)).isInstanceOf(ElfFormatException.class)
                    .hasMessageContaining("symbol index -1 out of range");
            assertThatThrownBy(() -> elf.relocations(elf.section("xdp").orElseThrow()))
                    .isInstanceOf(ElfFormatException.class).hasMessage("pass.o: section xdp is not a REL section");
            ElfSection strtab = elf.sections().get(1);
            assertThat(elf.string(strtab, 0)).isEmpty();
            assertThatThrownBy(() -> elf.string(strtab, strtab.size())).isInstanceOf(ElfFormatException.class)
                    .hasMessage("pass.o: string offset " + strtab.size() + " outside string table .strtab ("
                            + strtab.size() + " bytes)");
            assertThatThrownBy(() -> elf.string(strtab, -1)).isInstanceOf(ElfFormatException.class);
        }
    }

    /** Files that are not BPF objects, or are damaged. */
    @Nested
    class BrokenInputs {
        @TempDir
        Path tmp;

        @Test
        void emptyFile() throws IOException {
            Path f = Files.write(tmp.resolve("empty.o"), new byte[0]);
            assertThatThrownBy(() -> ElfFile.read(f)).isInstanceOf(ElfFormatException.class)
                    .hasMessage(f + ": not an ELF file (no \\x7fELF magic)");
        }

        @Test
        void textFile() throws IOException {
            Path f = Files.writeString(tmp.resolve("hello.o"), "hello");
            assertThatThrownBy(() -> ElfFile.read(f)).isInstanceOf(ElfFormatException.class)
                    .hasMessage(f + ": not an ELF file (no \\x7fELF magic)");
            assertThatThrownBy(() -> BpfObjectSpec.read(f)).isInstanceOf(ElfFormatException.class)
                    .hasMessageStartingWith(f + ": not an ELF file");
        }

        @Test
        void missingFileAndDirectory() {
            Path missing = tmp.resolve("nope.o");
            assertThatThrownBy(() -> ElfFile.read(missing)).isInstanceOf(ElfFormatException.class)
                    .hasMessage(missing + ": no such file");
            assertThatThrownBy(() -> ElfFile.read(tmp)).isInstanceOf(ElfFormatException.class)
                    .hasMessageStartingWith(tmp + ": cannot read");
        }

        @Test
        void fileLargerThanAnyBpfObjectIsNotRead() throws IOException {
            Path f = tmp.resolve("disk.img");
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                raf.setLength((512L << 20) + 1); // sparse: no disk space, and never read
            }
            assertThatThrownBy(() -> ElfFile.read(f)).isInstanceOf(ElfFormatException.class)
                    .hasMessage(f + ": file is " + ((512L << 20) + 1)
                            + " bytes, larger than any BPF object jbpf reads (" + (512L << 20) + ")");
        }

        /**
         * Every prefix of xdp_pass.o must be rejected with an ElfFormatException. clang writes the
         * section header table last, so the whole file is referenced (checked below) and no
         * prefix can be a valid object.
         */
        @Test
        void everyTruncationOfXdpPassIsAFormatError() {
            byte[] full = BpfObjects.bytes("xdp_pass.o");
            ElfFile elf = ElfFile.parse("xdp_pass.o", full);
            ByteBuffer b = ByteBuffer.wrap(full).order(ByteOrder.LITTLE_ENDIAN);
            long shoff = b.getLong(ElfPatch.E_SHOFF);
            int shnum = Short.toUnsignedInt(b.getShort(ElfPatch.E_SHNUM));
            // Everything the parser reads ends at referencedEnd; a cut at or beyond it removes only
            // unreferenced trailing bytes and may parse, a cut before it must not.
            long referencedEnd = Math.max(shoff + (long) shnum * 64, elf.sections().stream()
                    .filter(s -> s.type() != ElfSection.SHT_NOBITS)
                    .mapToLong(s -> s.offset() + s.size()).max().orElseThrow());
            assertThat(shoff).isEqualTo(5240);
            assertThat(referencedEnd).as("section headers are the last bytes of the file").isEqualTo(full.length);

            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                for (int len = 0; len < full.length; len++) {
                    byte[] prefix = Arrays.copyOf(full, len);
                    String name = "xdp_pass.o[0:" + len + "]";
                    if (len >= referencedEnd) {
                        assertThat(ElfFile.parse(name, prefix).sections()).hasSize(shnum);
                        continue;
                    }
                    Throwable t = catchThrowable(() -> BpfObjectSpec.parse(name, prefix));
                    assertThat(t).as("prefix of %d bytes", len).isInstanceOf(ElfFormatException.class);
                    String expected;
                    if (len < 4) {
                        expected = "not an ELF file (no \\x7fELF magic)";
                    } else if (len < 64) {
                        expected = "truncated: " + len + " bytes, the ELF header alone needs 64";
                    } else if (len < shoff + 64) {
                        expected = "truncated: section header table at offset " + shoff + " lies outside the "
                                + len + "-byte file";
                    } else {
                        expected = "truncated: " + shnum + " section headers at offset " + shoff
                                + " do not fit in the " + len + "-byte file";
                    }
                    assertThat(t.getMessage()).as("prefix of %d bytes", len).isEqualTo(name + ": " + expected);
                }
            });
        }

        @Test
        void elfForAnotherMachine() {
            byte[] b = ElfPatch.of("xdp_pass.o").putShort(ElfPatch.E_MACHINE, 62).bytes();
            assertThatThrownBy(() -> ElfFile.parse("amd64.o", b)).isInstanceOf(ElfFormatException.class)
                    .hasMessage("amd64.o: ELF for machine x86-64 (62), not BPF (EM_BPF=247); "
                            + "was it built with clang -target bpf?");
            byte[] odd = ElfPatch.of("xdp_pass.o").putShort(ElfPatch.E_MACHINE, 4242).bytes();
            assertThatThrownBy(() -> ElfFile.parse("odd.o", odd)).hasMessageStartingWith("odd.o: ELF for machine 4242, not BPF");
        }

        @Test
        void hostExecutableIsNotBpf() throws IOException {
            Path truePath = Path.of("/bin/true");
            assumeTrue(Files.isRegularFile(truePath), "/bin/true exists");
            byte[] head = Arrays.copyOf(Files.readAllBytes(truePath), 20);
            assumeTrue(head[0] == 0x7f && head[1] == 'E' && head[4] == 2 && head[5] == 1, "/bin/true is ELF64 LE");
            int machine = (head[18] & 0xff) | (head[19] & 0xff) << 8;
            Path copy = Files.copy(truePath, tmp.resolve("true"));
            Throwable t = catchThrowable(() -> ElfFile.read(copy));
            assertThat(t).isInstanceOf(ElfFormatException.class)
                    .hasMessageStartingWith(copy + ": ELF for machine ")
                    .hasMessageContaining("(" + machine + "), not BPF (EM_BPF=247)");
            if (machine == 62) {
                assertThat(t).hasMessageContaining("x86-64");
            }
        }

        @Test
        void elf32() {
            byte[] b = ElfPatch.of("xdp_pass.o").putByte(4, 1).bytes();
            assertThatThrownBy(() -> ElfFile.parse("elf32.o", b)).isInstanceOf(ElfFormatException.class)
                    .hasMessage("elf32.o: not a 64-bit ELF (EI_CLASS 1); BPF objects are ELF64");
        }

        @Test
        void bigEndian() {
            byte[] b = ElfPatch.of("xdp_pass.o").putByte(5, 2).bytes();
            assertThatThrownBy(() -> ElfFile.parse("be.o", b)).isInstanceOf(ElfFormatException.class)
                    .hasMessageStartingWith("be.o: not little-endian (EI_DATA 2)");
        }

        @Test
        void notARelocatableObject() {
            byte[] b = ElfPatch.of("xdp_pass.o").putShort(ElfPatch.E_TYPE, 2).bytes();
            assertThatThrownBy(() -> ElfFile.parse("exec.o", b)).isInstanceOf(ElfFormatException.class)
                    .hasMessage("exec.o: ELF type 2 is not a relocatable object (ET_REL=1)");
        }

        @Test
        void wrongSectionHeaderEntrySize() {
            byte[] b = ElfPatch.of("xdp_pass.o").putShort(ElfPatch.E_SHENTSIZE, 40).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", b)).isInstanceOf(ElfFormatException.class)
                    .hasMessage("x.o: section header entry size 40, expected 64");
        }

        @Test
        void sectionHeaderTablePastTheEnd() {
            byte[] b = ElfPatch.of("xdp_pass.o").putLong(ElfPatch.E_SHOFF, 7032).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", b)).isInstanceOf(ElfFormatException.class)
                    .hasMessage("x.o: truncated: section header table at offset 7032 lies outside the 7032-byte file");
            byte[] neg = ElfPatch.of("xdp_pass.o").putLong(ElfPatch.E_SHOFF, -64).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", neg)).isInstanceOf(ElfFormatException.class)
                    .hasMessageContaining("section header table at offset -64");
            byte[] many = ElfPatch.of("xdp_pass.o").putShort(ElfPatch.E_SHNUM, 29).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", many)).isInstanceOf(ElfFormatException.class)
                    .hasMessage("x.o: truncated: 29 section headers at offset 5240 do not fit in the 7032-byte file");
        }

        @Test
        void sectionContentsPastTheEnd() {
            ElfPatch p = ElfPatch.of("xdp_pass.o");
            int btf = p.section(".BTF").index();
            byte[] offset = ElfPatch.of("xdp_pass.o").putLong(p.sectionHeader(btf) + ElfPatch.SH_OFFSET, 7032).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", offset)).isInstanceOf(ElfFormatException.class)
                    .hasMessage("x.o: truncated: section " + btf + " (offset 7032, size " + p.section(".BTF").size()
                            + ") extends past the end of the 7032-byte file");
            byte[] size = ElfPatch.of("xdp_pass.o").putLong(p.sectionHeader(btf) + ElfPatch.SH_SIZE, 7000).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", size)).isInstanceOf(ElfFormatException.class)
                    .hasMessageContaining("section " + btf + " (offset " + p.section(".BTF").offset() + ", size 7000)");
            // offset + size overflows a long
            byte[] huge = ElfPatch.of("xdp_pass.o").putLong(p.sectionHeader(btf) + ElfPatch.SH_SIZE, Long.MAX_VALUE).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", huge)).isInstanceOf(ElfFormatException.class)
                    .hasMessageContaining("extends past the end");
            byte[] neg = ElfPatch.of("xdp_pass.o").putLong(p.sectionHeader(btf) + ElfPatch.SH_OFFSET, -8).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", neg)).isInstanceOf(ElfFormatException.class)
                    .hasMessageContaining("(offset -8,");
        }

        @Test
        void nobitsSectionClaimingTooMuchZeroData() {
            ElfPatch p = ElfPatch.of("xdp_pass.o");
            int h = p.sectionHeader("license");
            byte[] b = p.putInt(h + ElfPatch.SH_TYPE, ElfSection.SHT_NOBITS).putLong(h + ElfPatch.SH_SIZE, 1L << 40).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", b)).isInstanceOf(ElfFormatException.class)
                    .hasMessage("x.o: section 5 claims " + (1L << 40) + " bytes of zero data");
        }

        @Test
        void nobitsSectionReadsAsZeros() {
            ElfPatch p = ElfPatch.of("xdp_pass.o");
            int h = p.sectionHeader("license");
            byte[] b = p.putInt(h + ElfPatch.SH_TYPE, ElfSection.SHT_NOBITS).putLong(h + ElfPatch.SH_OFFSET, 1L << 40).bytes();
            ElfFile elf = ElfFile.parse("x.o", b);
            assertThat(elf.contents(elf.section("license").orElseThrow())).containsExactly(0, 0, 0, 0);
        }

        @Test
        void sectionNameTableIndexOutOfRange() {
            byte[] b = ElfPatch.of("xdp_pass.o").putShort(ElfPatch.E_SHSTRNDX, 28).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", b)).isInstanceOf(ElfFormatException.class)
                    .hasMessage("x.o: section name string table index 28 is not a string table");
            byte[] zero = ElfPatch.of("xdp_pass.o").putShort(ElfPatch.E_SHSTRNDX, 0).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", zero)).isInstanceOf(ElfFormatException.class)
                    .hasMessageContaining("string table index 0 is not a string table");
            // In range, but .symtab is no string table.
            byte[] symtab = ElfPatch.of("xdp_pass.o").putShort(ElfPatch.E_SHSTRNDX, 27).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", symtab)).isInstanceOf(ElfFormatException.class)
                    .hasMessageContaining("string table index 27 is not a string table");
        }

        @Test
        void sectionNameOutsideTheNameTable() {
            ElfPatch p = ElfPatch.of("xdp_pass.o");
            long strSize = p.section(".strtab").size();
            byte[] b = p.putInt(p.sectionHeader("xdp") + ElfPatch.SH_NAME, (int) strSize + 10).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", b)).isInstanceOf(ElfFormatException.class)
                    // The name table is called .shstrtab in messages, whatever its real name (.strtab here).
                    .hasMessage("x.o: string offset " + (strSize + 10) + " outside string table .shstrtab (" + strSize + " bytes)");
        }

        @Test
        void unterminatedSectionName() {
            ElfPatch p = ElfPatch.of("xdp_pass.o");
            ElfSection strtab = p.section(".strtab");
            int last = (int) strtab.size() - 1;
            byte[] b = p.putByte((int) strtab.offset() + last, 'x')
                    .putInt(p.sectionHeader("xdp") + ElfPatch.SH_NAME, last).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", b)).isInstanceOf(ElfFormatException.class)
                    .hasMessage("x.o: unterminated string at offset " + last + " in .shstrtab");
        }

        @Test
        void symbolTableWithWrongEntrySize() {
            ElfPatch p = ElfPatch.of("xdp_pass.o");
            byte[] b = p.putLong(p.sectionHeader(".symtab") + ElfPatch.SH_ENTSIZE, 16).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", b)).isInstanceOf(ElfFormatException.class)
                    .hasMessage("x.o: symbol table entry size 16 / size 384, expected multiples of 24");
            ElfPatch q = ElfPatch.of("xdp_pass.o");
            byte[] size = q.putLong(q.sectionHeader(".symtab") + ElfPatch.SH_SIZE, 380).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", size)).isInstanceOf(ElfFormatException.class)
                    .hasMessage("x.o: symbol table entry size 24 / size 380, expected multiples of 24");
        }

        @Test
        void symbolTableLinkedToSomethingElse() {
            ElfPatch p = ElfPatch.of("xdp_pass.o");
            byte[] b = p.putInt(p.sectionHeader(".symtab") + ElfPatch.SH_LINK, 3).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", b)).isInstanceOf(ElfFormatException.class)
                    .hasMessage("x.o: symbol table's string table (section 3) is not a string table");
        }

        @Test
        void symbolInANonexistentSection() {
            ElfPatch p = ElfPatch.of("xdp_pass.o");
            byte[] b = p.putShort(p.symbolEntry("xdp_pass_func") + ElfPatch.ST_SHNDX, 200).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", b)).isInstanceOf(ElfFormatException.class)
                    .hasMessage("x.o: symbol 'xdp_pass_func' is defined in section 200, which does not exist");
        }

        @Test
        void relocationSymbolBeyondTheSymbolTable() {
            ElfPatch p = ElfPatch.of("xdp_pass.o");
            // r_info high word is the symbol index; xdp_pass.o has 16 symbols.
            byte[] b = p.putInt(p.relEntry(".relxdp", 0) + 12, 16).bytes();
            ElfFile elf = ElfFile.parse("x.o", b);
            assertThatThrownBy(() -> elf.relocations(elf.section(".relxdp").orElseThrow()))
                    .isInstanceOf(ElfFormatException.class)
                    .hasMessage("x.o: relocation 0 in .relxdp refers to symbol 16, beyond the symbol table (16 entries)");
            assertThatThrownBy(() -> BpfObjectSpec.parse("x.o", b)).isInstanceOf(ElfFormatException.class)
                    .hasMessageContaining("refers to symbol 16, beyond the symbol table");
        }

        @Test
        void relSectionWithWrongEntrySizeOrLink() {
            ElfPatch p = ElfPatch.of("xdp_pass.o");
            byte[] b = p.putLong(p.sectionHeader(".relxdp") + ElfPatch.SH_ENTSIZE, 24).bytes();
            ElfFile elf = ElfFile.parse("x.o", b);
            assertThatThrownBy(() -> elf.relocations(elf.section(".relxdp").orElseThrow()))
                    .isInstanceOf(ElfFormatException.class)
                    .hasMessage("x.o: REL section .relxdp has entry size 24 and size 16, expected multiples of 16");

            ElfPatch q = ElfPatch.of("xdp_pass.o");
            byte[] c = q.putInt(q.sectionHeader(".relxdp") + ElfPatch.SH_LINK, 1).bytes();
            ElfFile elf2 = ElfFile.parse("x.o", c);
            assertThatThrownBy(() -> elf2.relocations(elf2.section(".relxdp").orElseThrow()))
                    .isInstanceOf(ElfFormatException.class)
                    .hasMessage("x.o: REL section .relxdp does not refer to the symbol table");
        }

        /**
         * Flips random bytes of the ELF header and section header table of xdp_icmp_echo.o. Whatever
         * the damage, parsing must either succeed or fail with a BpfException naming the object.
         */
        @Test
        void randomHeaderDamageGivesBpfExceptionOrAValidObject() {
            byte[] orig = BpfObjects.bytes("xdp_icmp_echo.o");
            int shoff = (int) ByteBuffer.wrap(orig).order(ByteOrder.LITTLE_ENDIAN).getLong(ElfPatch.E_SHOFF);
            int tableBytes = orig.length - shoff;
            assertThat(tableBytes).isEqualTo(28 * 64);
            Random rnd = new Random(0x6a627066L);
            int accepted = 0;
            int rejected = 0;
            for (int i = 0; i < 2000; i++) {
                byte[] b = orig.clone();
                int flips = 1 + rnd.nextInt(4);
                StringBuilder what = new StringBuilder();
                for (int k = 0; k < flips; k++) {
                    int pos = rnd.nextInt(64 + tableBytes);
                    int at = pos < 64 ? pos : shoff + pos - 64;
                    int mask = 1 + rnd.nextInt(255);
                    b[at] ^= (byte) mask;
                    what.append(String.format(" [%d]^=0x%02x", at, mask));
                }
                try {
                    BpfObjectSpec spec = BpfObjectSpec.parse("m.o", b);
                    assertThat(spec.name()).isEqualTo("m");
                    accepted++;
                } catch (BpfException e) {
                    assertThat(e.getMessage()).as("iteration %d:%s", i, what).startsWith("m.o: ");
                    rejected++;
                } catch (Throwable t) {
                    throw new AssertionError("iteration " + i + what + ": " + t, t);
                }
            }
            // Both outcomes occur, so the loop exercised the checks and the happy path.
            assertThat(rejected).isGreaterThan(500);
            assertThat(accepted).isGreaterThan(100);
        }

        // ---- main-code bugs (disabled so the build stays green; see the report) ---------------

        @Test
        void extendedSectionCountThatIsNegativeIsAFormatError() {
            ElfPatch p = ElfPatch.of("xdp_pass.o");
            byte[] b = p.putShort(ElfPatch.E_SHNUM, 0).putLong(p.sectionHeader(0) + ElfPatch.SH_SIZE, -1L).bytes();
            assertThatThrownBy(() -> ElfFile.parse("x.o", b)).isInstanceOf(ElfFormatException.class)
                    .hasMessageStartingWith("x.o: ");
        }

        @Test
        void nullTypeSectionPointingPastTheEndIsAFormatError() {
            ElfPatch p = ElfPatch.of("xdp_pass.o");
            int h = p.sectionHeader("license");
            byte[] b = p.putInt(h + ElfPatch.SH_TYPE, ElfSection.SHT_NULL).putLong(h + ElfPatch.SH_OFFSET, 0x7fff0000L).bytes();
            assertThatThrownBy(() -> {
                ElfFile elf = ElfFile.parse("x.o", b);
                elf.contents(elf.section("license").orElseThrow());
            }).isInstanceOf(ElfFormatException.class);
            assertThatThrownBy(() -> BpfObjectSpec.parse("x.o", b)).isInstanceOf(BpfException.class);
        }

        @Test
        void relocationSymbolIndexAbove2GiIsBeyondTheSymbolTable() {
            ElfPatch p = ElfPatch.of("xdp_pass.o");
            byte[] b = p.putInt(p.relEntry(".relxdp", 0) + 12, 0xffffffff).bytes();
            ElfFile elf = ElfFile.parse("x.o", b);
            assertThatThrownBy(() -> elf.relocations(elf.section(".relxdp").orElseThrow()))
                    .isInstanceOf(ElfFormatException.class)
                    .hasMessageContaining("refers to symbol 4294967295, beyond the symbol table");
        }
    }

    static ElfSymbol symbol(ElfFile elf, String name) {
        return elf.symbols().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no symbol " + name));
    }
}
