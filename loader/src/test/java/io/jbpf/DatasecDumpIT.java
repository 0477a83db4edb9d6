package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.MapSpec;
import io.jbpf.testing.CliRun;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Packets;
import io.jbpf.testing.Sh;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.UpdateFlags;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code jbpf map dump} of global-data maps (corpus/fmt_datasec.o) shows each variable of the
 * section by name with its value, as bpftool does, instead of the value's bytes in hex; signed
 * bitfields and signed integers print negative. Values are cross-checked with bpftool's dump
 * (which shows a bitfield's raw bits in hex).
 */
class DatasecDumpIT {
    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    private static CliRun jbpf(String... args) {
        return CliRun.of(args);
    }

    @Test
    void globalDataMapsDumpAsNamedVariables() {
        BpfObjectSpec spec = BpfObjectSpec.read(Objects.path("corpus/fmt_datasec.o"));
        try (BpfObject o = BpfObject.load(spec, LoadOptions.defaults())) {
            assertThat(o.program("xdp_fmt_datasec").testRun(Packets.any64(), null, 1).retval()).isEqualTo(2);

            int data = o.map(mapOf(spec, ".data")).id();
            int rodata = o.map(mapOf(spec, ".rodata")).id();
            int bss = o.map(mapOf(spec, ".bss")).id();
            // bpftool agrees on what the kernel holds (and that the maps carry the DATASEC's BTF).
            assertThat(Sh.run("bpftool", "map", "dump", "id", String.valueOf(data)).out())
                    .contains("\"fmt_counter\": -49").contains("\"fmt_label\": \"jbpf\"");
            // bpftool prints a bitfield's raw bits in hex: 4 bits of -1, 40 bits of -5.
            assertThat(Sh.run("bpftool", "map", "dump", "id", String.valueOf(bss)).out())
                    .contains("\"sbf\": 0xf,").contains("\"sbf40\": 0xfffffffffb");

            CliRun text = jbpf("map", "dump", "--id", String.valueOf(data));
            assertThat(text.exit()).as(text.err()).isZero();
            assertThat(text.out()).contains("value: {fmt_counter: -49, fmt_label: jbpf}");
            CliRun json = jbpf("map", "dump", "--id", String.valueOf(data), "--json");
            assertThat(json.exit()).as(json.err()).isZero();
            assertThat(json.out()).contains("\"value\":{\"fmt_counter\":-49,\"fmt_label\":\"jbpf\"}");

            CliRun ro = jbpf("map", "dump", "--id", String.valueOf(rodata), "--json");
            assertThat(ro.out()).as(ro.err()).contains("\"value\":{\"fmt_limit\":-42}");

            CliRun b = jbpf("map", "dump", "--id", String.valueOf(bss));
            assertThat(b.out()).as(b.err()).contains("value: {fmt_bits: {sbf: -1, ubf: 15, sbf40: -5}, fmt_runs: 1}");
            // By id: a map of the same name from an earlier load may linger while the kernel frees it.
            CliRun bj = jbpf("map", "dump", Objects.str("corpus/fmt_datasec.o"), "--id", String.valueOf(bss), "--json");
            assertThat(bj.out()).as(bj.err())
                    .contains("\"value\":{\"fmt_bits\":{\"sbf\":-1,\"ubf\":15,\"sbf40\":-5},\"fmt_runs\":1}");
        }
    }

    /**
     * A map without BTF in the kernel, typed from the object file: the object's DATASEC must be
     * read with the offsets the loader fills in (clang writes zeros), or every variable would be
     * read from offset 0.
     */
    @Test
    void mapWithoutKernelBtfIsTypedByTheObjectsLaidOutDatasec() {
        BpfObjectSpec spec = BpfObjectSpec.read(Objects.path("corpus/fmt_datasec.o"));
        MapSpec data = spec.map(mapOf(spec, ".data")).orElseThrow();
        try (BpfMap bare = BpfMap.create(MapSpec.of(data.name(), MapType.ARRAY, 4, data.valueSize(), 1))) {
            bare.update(new byte[4], data.data(), UpdateFlags.ANY);
            assertThat(bare.info().btfId()).as("created without BTF").isZero();
            // The object's map is found by the kernel's name for this one; selected by id, as a map of
            // that name from an earlier load may linger while the kernel frees it.
            CliRun r = jbpf("map", "dump", Objects.str("corpus/fmt_datasec.o"), "--id", String.valueOf(bare.id()), "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("\"value\":{\"fmt_counter\":-7,\"fmt_label\":\"jbpf\"}");
        }
    }

    private static String mapOf(BpfObjectSpec spec, String section) {
        return spec.maps().values().stream().filter(m -> m.section().equals(section)).map(MapSpec::name)
                .findFirst().orElseThrow();
    }
}
