package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.MapSpec;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Packets;
import io.jbpf.testing.Sh;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Objects with several {@code __kconfig} externs keep their BTF: the kconfig layout reorders the
 * .kconfig DATASEC's variables, and the kernel takes the BTF only with them in offset order. The
 * program's and the maps' {@code btf_id} are read back with bpftool, from outside jbpf.
 */
class ExternsBtfIT {
    private static final Pattern BTF_ID = Pattern.compile("\"btf_id\":(\\d+)");

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    @Test
    void twoKconfigExternsAndASpinLockMapLoadWithBtf() throws IOException {
        BpfObjectSpec spec = BpfObjectSpec.read(Objects.path("corpus/kcfg_lock.o"));
        int before = Fds.count();
        try (BpfObject o = BpfObject.load(spec, LoadOptions.defaults())) {
            BpfProgram prog = o.program("xdp_kcfg_lock");
            assertThat(progBtfId(prog.id())).as("program btf_id (bpftool)").isPositive();
            BpfMap locked = o.map("locked");
            assertThat(locked.info().btfId()).as("spin-lock map btf_id").isPositive();
            assertThat(mapBtfId(locked.id())).as("spin-lock map btf_id (bpftool)").isEqualTo(locked.info().btfId());
            assertThat(mapBtfId(o.map(kconfigMap(spec)).id())).as(".kconfig map btf_id (bpftool)").isPositive();

            assertThat(prog.testRun(Packets.any64(), null, 1).retval()).isEqualTo(2); // XDP_PASS
            long expected = Long.parseLong(Kernel.config("CONFIG_HZ")) + (Kernel.config("CONFIG_BPF_SYSCALL").equals("y") ? 1 : 0);
            assertThat(o.variable("kcfg_out").getLong()).as("kcfg_out = CONFIG_BPF_SYSCALL + CONFIG_HZ").isEqualTo(expected);
            byte[] value = locked.lookup(new byte[4]);
            assertThat(ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong(8)).as("locked[0].n").isEqualTo(1);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void externsCorpusObjectLoadsWithBtf() {
        BpfObjectSpec spec = BpfObjectSpec.read(Objects.path("corpus/externs_ksym_kconfig.o"));
        int before = Fds.count();
        try (BpfObject o = BpfObject.load(spec, LoadOptions.defaults())) {
            assertThat(progBtfId(o.program("xdp_externs").id())).as("program btf_id (bpftool)").isPositive();
            BpfMap kconfig = o.map(kconfigMap(spec));
            assertThat(kconfig.info().btfId()).as(".kconfig map btf_id").isPositive();
            assertThat(mapBtfId(kconfig.id())).as(".kconfig map btf_id (bpftool)").isEqualTo(kconfig.info().btfId());
            assertThat(o.program("xdp_externs").testRun(Packets.any64(), null, 1).retval()).isEqualTo(2);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    private static String kconfigMap(BpfObjectSpec spec) {
        return spec.maps().values().stream().filter(m -> m.section().equals(".kconfig")).map(MapSpec::name)
                .findFirst().orElseThrow();
    }

    private static int progBtfId(int id) {
        return btfId(Sh.run("bpftool", "prog", "show", "id", String.valueOf(id), "--json"));
    }

    private static int mapBtfId(int id) {
        return btfId(Sh.run("bpftool", "map", "show", "id", String.valueOf(id), "--json"));
    }

    /** The btf_id bpftool prints; 0 when it prints none (bpftool leaves the field out then). */
    private static int btfId(Sh.Result r) {
        assertThat(r.exit()).as(r.all()).isZero();
        Matcher m = BTF_ID.matcher(r.out());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
