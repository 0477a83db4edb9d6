package io.jbpf.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.BpfObjects;
import io.jbpf.testing.ElfPatch;
import org.junit.jupiter.api.Test;

/** A program carries what loading it alone takes from its object: license, version, externs, BTF. */
class ProgramSpecOriginTest {
    @Test
    void everyProgramCarriesItsObjectsLicenseVersionExternsAndBtf() {
        BpfObjectSpec spec = BpfObjectSpec.read(BpfObjects.path("corpus/externs_ksym_kconfig.o"));
        assertThat(spec.programs()).isNotEmpty();
        assertThat(spec.externs()).isNotEmpty();
        for (ProgramSpec p : spec.programs()) {
            assertThat(p.source()).isEqualTo(spec.source());
            assertThat(p.license()).isEqualTo(spec.license()).isEqualTo("GPL");
            assertThat(p.kernelVersion()).isEqualTo(spec.kernelVersion());
            assertThat(p.externs()).isEqualTo(spec.externs());
            assertThat(p.kernelBtf().orElseThrow()).isEqualTo(spec.kernelBtf().orElseThrow());
        }
    }

    @Test
    void aProgramOfAnObjectWithoutBtfHasNone() {
        byte[] b = ElfPatch.of("xdp_legacy_maps.o").renameSection(".BTF", ".BTX").bytes();
        BpfObjectSpec spec = BpfObjectSpec.parse("nobtf.o", b);
        assertThat(spec.programs()).isNotEmpty().allSatisfy(p -> {
            assertThat(p.kernelBtf()).isEmpty();
            assertThat(p.source()).isEqualTo("nobtf.o");
        });
    }
}
