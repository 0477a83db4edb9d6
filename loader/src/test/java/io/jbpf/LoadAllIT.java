package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.BpfFs;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TestEnv;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code jbpf load} on an object with several programs: which one it attaches, and --pin. */
class LoadAllIT {
    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    @Test
    void attachesOnlyAnUnambiguousXdpProgram() {
        String obj = Objects.str("corpus/multi_prog.o");
        try (TestEnv env = TestEnv.setup()) {
            Sh.Result all = env.jbpf("load", obj, "--dev", env.name);
            assertThat(all.exit()).isEqualTo(1);
            assertThat(all.err()).contains("several XDP programs (xdp_first in xdp, xdp_second in xdp)", "--prog");
            assertThat(env.ipLink()).doesNotContain("prog/xdp");

            Sh.Result tc = env.jbpf("load", obj, "--dev", env.name, "--section", "tc");
            assertThat(tc.exit()).isEqualTo(1);
            assertThat(tc.err()).contains("section tc has no XDP program to attach (tc_third is BPF_PROG_TYPE_SCHED_CLS)");

            Sh.Result one = env.jbpf("load", obj, "--dev", env.name, "--prog", "xdp_second");
            assertThat(one.exit()).as(one.all()).isZero();
            assertThat(env.ipLink()).contains("name xdp_second");

            Sh.Result single = env.jbpf("load", Objects.str("xdp_pass.o"), "--dev", env.name, "--force");
            assertThat(single.exit()).as("one XDP program in the object: no --section needed; %s", single.all()).isZero();
            assertThat(env.ipLink()).contains("name xdp_pass_func");
        }
    }

    @Test
    void pinsEveryProgramAndMap() {
        try (BpfFs fs = new BpfFs()) {
            Sh.Result r = Sh.run(Kernel.root().resolve("jbpf").toString(), "load", Objects.str("corpus/multi_prog.o"),
                    "--pin", fs.dir.resolve("obj").toString());
            assertThat(r.exit()).as(r.all()).isZero();
            assertThat(r.out()).contains("Pinned 4 programs and 1 maps");
            for (String p : new String[] {"xdp_first", "xdp_second", "tc_third", "socket_fourth", "runs"}) {
                assertThat(Files.exists(fs.dir.resolve("obj").resolve(p))).as(p).isTrue();
            }
            Sh.Result show = Sh.run("bpftool", "prog", "show", "pinned", fs.dir.resolve("obj/tc_third").toString());
            assertThat(show.out()).contains("sched_cls", "name tc_third");
            try (BpfProgram p = BpfProgram.fromPin(fs.dir.resolve("obj/xdp_first"));
                 BpfMap runs = BpfMap.fromPin(fs.dir.resolve("obj/runs"))) {
                assertThat(p.info().mapIds()).contains(runs.id());
            }
        }
    }
}
