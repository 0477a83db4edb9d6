package io.jbpf.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfKind;
import io.jbpf.btf.BtfType;
import io.jbpf.testing.BpfObjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The BTF handed to the kernel after the kconfig layout: the kernel refuses a DATASEC whose
 * variables are not in ascending offset order, and the layout (larger alignment first, then size,
 * then name) rarely matches the source order clang writes the DATASEC in.
 */
class ExternBtfLayoutTest {

    @ParameterizedTest
    @ValueSource(strings = {"corpus/kcfg_lock.o", "corpus/externs_ksym_kconfig.o"})
    void kconfigDatasecIsInAscendingOffsetOrderAndKeepsEachVariableAtItsOffset(String file) {
        BpfObjectSpec spec = BpfObjectSpec.read(BpfObjects.path(file));
        Btf patched = Btf.parse(file + " (kernel BTF)", spec.kernelBtf().orElseThrow());
        BtfType kcfg = patched.find(BtfKind.DATASEC, ".kconfig").orElseThrow();
        List<ExternSpec> kconfig = spec.externs().stream().filter(e -> e.kind() == ExternSpec.Kind.KCONFIG).toList();
        assertThat(kcfg.members()).hasSameSizeAs(kconfig).hasSizeGreaterThanOrEqualTo(2);
        // The layout really reorders something here, so the test shows the sort (not a lucky order).
        List<String> sourceOrder = spec.btf().orElseThrow().find(BtfKind.DATASEC, ".kconfig").orElseThrow().members()
                .stream().map(m -> spec.btf().get().type(m.type()).name()).toList();
        List<String> layoutOrder = kconfig.stream().sorted((a, b) -> Integer.compare(a.offset(), b.offset()))
                .map(ExternSpec::name).toList();
        assertThat(layoutOrder).isNotEqualTo(sourceOrder);

        assertThat(kcfg.members()).extracting(BtfType.Member::offset).isSorted();
        for (BtfType.Member m : kcfg.members()) {
            String name = patched.type(m.type()).name();
            ExternSpec e = kconfig.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            assertThat(m.offset()).as(name).isEqualTo(e.offset());
            assertThat(m.size()).as(name).isEqualTo(e.size());
        }
        assertThat(patched.types()).filteredOn(t -> t.kind() == BtfKind.DATASEC)
                .allSatisfy(d -> assertThat(d.members()).as(d.name()).extracting(BtfType.Member::offset).isSorted());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "corpus"})
    void everyObjectsKernelBtfHasSortedDatasecs(String dir) throws IOException {
        try (Stream<Path> files = Files.list(BpfObjects.dir().resolve(dir))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".o")).sorted().toList()) {
                BpfObjectSpec spec;
                try {
                    spec = BpfObjectSpec.read(p);
                } catch (io.jbpf.common.BpfException e) {
                    continue; // objects made to be refused
                }
                if (spec.kernelBtf().isEmpty()) {
                    continue;
                }
                Btf patched = Btf.parse(p + " (kernel BTF)", spec.kernelBtf().get());
                assertThat(patched.types()).filteredOn(t -> t.kind() == BtfKind.DATASEC).allSatisfy(d ->
                        assertThat(d.members()).as(p + " " + d.name()).extracting(BtfType.Member::offset).isSorted());
            }
        }
    }
}
