package io.jbpf.xdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.btf.BtfKind;
import io.jbpf.btf.BtfType;
import io.jbpf.common.BpfException;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.MapSpec;
import io.jbpf.spec.ProgramSpec;
import io.jbpf.testing.Objects;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.ProgFlag;
import io.jbpf.uapi.ProgType;
import io.jbpf.uapi.XdpAction;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The pure parts of the XDP multi-program support (no kernel): the dispatcher config's bytes as
 * libxdp's struct xdp_dispatcher_config lays them out, the XDP_RUN_CONFIG metadata of the test
 * components (bpf-src/multi), the slot order, and jbpf's dispatcher object being what libxdp
 * recognises (one .rodata map of 124 bytes, read-only for programs; slot functions prog0..prog9).
 */
class XdpDispatcherTest {
    private static BpfObjectSpec multi(String name) {
        return BpfObjectSpec.read(Objects.path("multi/" + name));
    }

    @Test
    void configEncodesAsLibxdpsStruct() {
        DispatcherConfig c = new DispatcherConfig(false, List.of(
                new DispatcherConfig.Slot(new RunConfig(10, EnumSet.of(XdpAction.PASS)), Set.of()),
                new DispatcherConfig.Slot(new RunConfig(20, EnumSet.of(XdpAction.PASS, XdpAction.DROP)),
                        Set.of(ProgFlag.XDP_HAS_FRAGS))));
        byte[] b = c.encode();
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b).hasSize(124);
        assertThat(Byte.toUnsignedInt(b[0])).as("magic 'X'+'D'+'P'").isEqualTo(236);
        assertThat(b[1]).as("version").isEqualTo((byte) 2);
        assertThat(b[2]).as("num_progs_enabled").isEqualTo((byte) 2);
        assertThat(b[3]).as("is_xdp_frags").isEqualTo((byte) 0);
        // chain_call_actions[10] at 4: 1 << action, plus bit 31 (an empty slot's return value)
        assertThat(le.getInt(4)).isEqualTo(1 << 2 | 1 << 31);
        assertThat(le.getInt(8)).isEqualTo(1 << 2 | 1 << 1 | 1 << 31);
        assertThat(le.getInt(12)).as("unused slot").isZero();
        // run_prios[10] at 44, program_flags[10] at 84
        assertThat(le.getInt(44)).isEqualTo(10);
        assertThat(le.getInt(48)).isEqualTo(20);
        assertThat(le.getInt(84)).isZero();
        assertThat(le.getInt(88)).isEqualTo(ProgFlag.XDP_HAS_FRAGS.value);
        assertThat(DispatcherConfig.decode(b, "test")).isEqualTo(c);
    }

    @Test
    void decodeRefusesWhatIsNoVersion2Dispatcher() {
        byte[] b = new DispatcherConfig(false, List.of()).encode();
        b[0] = 0;
        assertThatThrownBy(() -> DispatcherConfig.decode(b, "dispatcher 7")).isInstanceOf(BpfException.class)
                .hasMessageContaining("dispatcher 7").hasMessageContaining("magic 236");
        byte[] v3 = new DispatcherConfig(false, List.of()).encode();
        v3[1] = 3;
        assertThatThrownBy(() -> DispatcherConfig.decode(v3, "d")).hasMessageContaining("version 3");
        assertThatThrownBy(() -> DispatcherConfig.decode(new byte[100], "d")).hasMessageContaining("100 bytes, not 124");
    }

    @Test
    void atMostTenSlots() {
        List<DispatcherConfig.Slot> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(new DispatcherConfig.Slot(RunConfig.DEFAULT, Set.of()));
        }
        assertThatThrownBy(() -> new DispatcherConfig(false, eleven)).hasMessageContaining("10 programs at most");
    }

    @Test
    void runConfigFromXdpRunConfigMetadata() {
        assertThat(RunConfig.of(multi("mp_first.o"), "mp_first")).isEqualTo(new RunConfig(30, EnumSet.of(XdpAction.PASS)));
        assertThat(RunConfig.of(multi("mp_third.o"), "mp_third").priority()).isEqualTo(50);
        // no .xdp_run_config: libxdp's defaults
        assertThat(RunConfig.of(BpfObjectSpec.read(Objects.golden("xdp_pass.o")), "xdp_pass_func"))
                .isEqualTo(RunConfig.DEFAULT).isEqualTo(new RunConfig(50, EnumSet.of(XdpAction.PASS)));
    }

    @Test
    void actionBitsRoundTrip() {
        RunConfig c = RunConfig.DEFAULT.withChainCallActions(EnumSet.of(XdpAction.DROP, XdpAction.REDIRECT));
        assertThat(c.actionBits()).isEqualTo(1 << 1 | 1 << 4);
        assertThat(RunConfig.actions(c.actionBits() | 1 << 31)).containsExactlyInAnyOrder(XdpAction.DROP, XdpAction.REDIRECT);
        assertThatThrownBy(() -> RunConfig.DEFAULT.withPriority(-1)).hasMessageContaining("negative");
    }

    @Test
    void slotOrderIsPriorityThenNameThenProgramsAlreadyThere() {
        var a = new XdpMultiprog.SlotOrder(30, "mp_b", false);
        var b = new XdpMultiprog.SlotOrder(10, "mp_z", true);
        var c = new XdpMultiprog.SlotOrder(30, "mp_a", true);
        var newTwin = new XdpMultiprog.SlotOrder(30, "mp_a", false);
        List<XdpMultiprog.SlotOrder> l = new ArrayList<>(List.of(newTwin, a, c, b));
        l.sort(XdpMultiprog.SlotOrder.ORDER);
        assertThat(l).containsExactly(b, c, newTwin, a);
    }

    @Test
    void dispatcherObjectIsWhatLibxdpRecognises() {
        BpfObjectSpec d = multi("xdp_dispatcher.o");
        assertThat(d.programs()).extracting(ProgramSpec::name).containsExactly(XdpMultiprog.DISPATCHER_NAME);
        // exactly one map, .rodata: libxdp checks nr_map_ids == 1, key 4, value 124, max_entries 1, RDONLY_PROG
        assertThat(d.maps()).hasSize(1);
        MapSpec rodata = d.maps().values().iterator().next();
        assertThat(rodata.section()).isEqualTo(".rodata");
        assertThat(rodata.keySize()).isEqualTo(4);
        assertThat(rodata.valueSize()).isEqualTo(DispatcherConfig.SIZE);
        assertThat(rodata.maxEntries()).isEqualTo(1);
        assertThat(rodata.flags()).contains(MapFlag.RDONLY_PROG);
        var btf = d.btf().orElseThrow();
        for (int i = 0; i < DispatcherConfig.MAX_SLOTS; i++) {
            assertThat(btf.find(BtfKind.FUNC, "prog" + i)).as("slot prog" + i).isPresent();
        }
        BtfType version = btf.find(BtfKind.VAR, "dispatcher_version").orElseThrow();
        assertThat(btf.type(btf.type(version.type()).type()).array().nelems()).isEqualTo(DispatcherConfig.VERSION);
        // the config is what jbpf writes before the load
        byte[] conf = new DispatcherConfig(false, List.of(new DispatcherConfig.Slot(RunConfig.DEFAULT, Set.of()))).encode();
        assertThat(d.withVariable("conf", conf).maps().values().iterator().next().data()).isEqualTo(conf);
    }

    @Test
    void aComponentLoadsAsAnExtensionOfASlot() {
        BpfObjectSpec s = multi("mp_first.o").withExtension("mp_first", "prog3");
        ProgramSpec p = s.program("mp_first");
        assertThat(p.type()).isEqualTo(ProgType.EXT);
        assertThat(p.section()).isEqualTo("freplace/prog3");
        assertThat(p.instructions()).isEqualTo(multi("mp_first.o").program("mp_first").instructions());
        assertThatThrownBy(() -> multi("mp_first.o").withExtension("mp_first", "a/b")).isInstanceOf(BpfException.class);
    }
}
