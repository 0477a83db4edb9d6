package io.jbpf.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The kernel sizes per-CPU values by the weight of the possible-CPU mask
 * ({@code round_up(value_size, 8) * num_possible_cpus()}) and copies one slot per set bit
 * ({@code for_each_possible_cpu}); libbpf's {@code libbpf_num_possible_cpus()} counts set bits too.
 * So a sparse mask gives fewer slots than its highest CPU + 1.
 */
class PossibleCpusTest {
    @Test
    void sparseMaskCountsOnlyTheCpusInIt() {
        assertThat(PossibleCpus.parse("0-3,8-11\n")).isEqualTo(8);
        assertThat(PossibleCpus.parse("0,2,4")).isEqualTo(3);
        assertThat(PossibleCpus.parse("1-2")).isEqualTo(2);
    }

    @Test
    void denseMasksAsTheKernelWritesThem() {
        assertThat(PossibleCpus.parse("0\n")).isEqualTo(1);
        assertThat(PossibleCpus.parse("0-1\n")).isEqualTo(2);
        assertThat(PossibleCpus.parse("0-3,5,7-8")).isEqualTo(7);
    }

    @Test
    void slotsBelongToTheMasksCpusInOrder() {
        assertThat(PossibleCpus.parseIds("0-3,8-11\n")).containsExactly(0, 1, 2, 3, 8, 9, 10, 11);
        assertThat(PossibleCpus.parseIds("8,0")).containsExactly(0, 8);
    }

    @Test
    void thisMachinesMaskMatchesTheJvmsCpuCountWhereTheMaskIsDense() {
        int[] ids = PossibleCpus.ids();
        assertThat(ids).isNotEmpty();
        assertThat(ids[0]).isGreaterThanOrEqualTo(0);
        assertThat(PossibleCpus.count()).isEqualTo(ids.length);
    }

    @Test
    void malformedListsAreRefusedWithTheText() {
        assertThatThrownBy(() -> PossibleCpus.parse("0-2147483647")).as("bounded, not a 256 MiB bit set")
                .hasMessageContaining("'0-2147483647'");
        assertThatThrownBy(() -> PossibleCpus.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PossibleCpus.parse("3-1")).hasMessageContaining("'3-1'");
        assertThatThrownBy(() -> PossibleCpus.parse("0-x")).hasMessageContaining("'0-x'");
    }
}
