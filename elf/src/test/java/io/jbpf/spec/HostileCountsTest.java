package io.jbpf.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.common.BpfException;
import io.jbpf.testing.BpfObjects;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A length, count, size or offset of 2^31 (or all ones) read from the file is checked before it
 * sizes an allocation or bounds a loop: every such field of a real object, set that way, ends in
 * a result or a BpfException within a second and a few MiB of allocation, never gigabytes.
 */
class HostileCountsTest {
    private static final long MAX_ALLOCATION = 32L << 20;
    private static final long MAX_NANOS = 1_000_000_000L;

    @ParameterizedTest(name = "{0}: {1} := {2}")
    @CsvSource({
        "corpus/externs_ksym_kconfig.o, 'BTF extern type \\d+ size/type', 0x80000000",
        "corpus/externs_ksym_kconfig.o, 'BTF extern type \\d+ data\\[0\\]', 0x80000000",
        "corpus/externs_ksym_kconfig.o, 'BTF type \\d+ DATASEC.vlen', 0xffff",
        "corpus/kcfg_lock.o, 'BTF extern type \\d+ size/type', 0xffffffff",
        "corpus/big_lineinfo.o, 'BTF.ext line_info sec\\[0\\].num_info', 0x80000000",
        "corpus/big_lineinfo.o, 'BTF.ext func_info rec_size', 0x80000000",
        "corpus/big_lineinfo.o, 'BTF.ext line_info_len', 0xffffffff",
        "corpus/maps_stack_trace.o, 'BTF type \\d+ ARRAY.data\\[2\\]', 0x80000000",
        "corpus/maps_stack_trace.o, 'BTF type \\d+ STRUCT.vlen', 0xffff",
        "corpus/maps_stack_trace.o, 'BTF type \\d+ INT.size/type', 0x80000000",
        "corpus/maps_stack_trace.o, 'BTF type_len', 0x80000000",
        "corpus/maps_stack_trace.o, 'BTF str_len', 0xffffffff",
        "xdp_legacy_maps.o, 'shdr\\[\\d+ maps\\].sh_size', 0x80000000",
        "corpus/globals_custom_bss.o, 'shdr\\[\\d+ .bss.big\\].sh_size', 0x80000000",
        "corpus/globals_custom_bss.o, 'shdr\\[\\d+ .symtab\\].sh_size', 0x80000000",
        "corpus/subprog_calls.o, 'e_shnum', 0xffff",
        "corpus/subprog_calls.o, 'shdr\\[0 \\].sh_size', 0x80000000",
        "corpus/subprog_calls.o, 'sym\\[\\d+\\].st_size', 0x80000000",
        "corpus/subprog_calls.o, 'sym\\[\\d+\\].st_value', 0xffffffffffffffff",
        "corpus/subprog_calls.o, '.rel.*r_offset', 0x80000000",
    })
    void everyMatchingFieldSetHugeEndsCheaply(String object, String label, String value) {
        byte[] original = BpfObjects.bytes(object);
        Pattern p = Pattern.compile(label);
        ObjectFields all = ObjectFields.of(object, original);
        List<ObjectFields.Field> fields = java.util.stream.Stream.concat(all.all().stream(), all.externFields().stream())
                .filter(f -> p.matcher(f.label()).matches()).toList();
        assertThat(fields).as("fields matching %s in %s", label, object).isNotEmpty();
        long v = Long.parseUnsignedLong(value.substring(2), 16);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (ObjectFields.Field f : fields) {
            byte[] b = original.clone();
            for (int i = 0; i < f.width(); i++) {
                b[f.offset() + i] = (byte) (v >>> (8 * i));
            }
            long a0 = mx.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            try {
                SpecWalk.walk(BpfObjectSpec.parse(object, b));
            } catch (BpfException e) {
                assertThat(e.getMessage()).as(f.label()).contains(object);
            }
            assertThat(mx.getCurrentThreadAllocatedBytes() - a0).as("bytes allocated with %s", f.label())
                    .isLessThan(MAX_ALLOCATION);
            assertThat(System.nanoTime() - t0).as("nanoseconds with %s", f.label()).isLessThan(MAX_NANOS);
        }
    }
}
