package io.jbpf.uapi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** of()/nameOf() index values() by the kernel value, so every constant must sit at its own value. */
class UapiEnumsTest {
    @Test
    void constantsAreInKernelOrderWithoutGaps() {
        for (MapType t : MapType.values()) {
            assertThat(t.value).as(t.name()).isEqualTo(t.ordinal());
            assertThat(MapType.of(t.value)).isSameAs(t);
        }
        for (ProgType t : ProgType.values()) {
            assertThat(t.value).as(t.name()).isEqualTo(t.ordinal());
            assertThat(ProgType.of(t.value)).isSameAs(t);
        }
        for (AttachType t : AttachType.values()) {
            assertThat(t.value).as(t.name()).isEqualTo(t.ordinal());
            assertThat(AttachType.of(t.value)).isSameAs(t);
        }
        for (BpfCmd c : BpfCmd.values()) {
            assertThat(c.value).as(c.name()).isEqualTo(c.ordinal());
            assertThat(BpfCmd.of(c.value)).isSameAs(c);
        }
        for (LinkType t : LinkType.values()) {
            assertThat(t.value).as(t.name()).isEqualTo(t.ordinal());
            assertThat(LinkType.of(t.value)).isSameAs(t);
        }
        for (XdpAction a : XdpAction.values()) {
            assertThat(a.value).as(a.name()).isEqualTo(a.ordinal());
        }
    }

    @Test
    void valuesFromLinuxBpfH() {
        assertThat(MapType.PERCPU_ARRAY.value).isEqualTo(6);
        assertThat(MapType.RINGBUF.value).isEqualTo(27);
        assertThat(ProgType.XDP.value).isEqualTo(6);
        assertThat(ProgType.TRACING.value).isEqualTo(26);
        assertThat(AttachType.XDP.value).isEqualTo(37);
        assertThat(AttachType.TRACE_FENTRY.value).isEqualTo(24);
        assertThat(AttachType.TCX_INGRESS.value).isEqualTo(46);
        assertThat(AttachType.TCX_EGRESS.value).isEqualTo(47);
        assertThat(AttachType.TRACE_UPROBE_SESSION.value).isEqualTo(57);
        assertThat(BpfCmd.PROG_LOAD.value).isEqualTo(5);
        assertThat(BpfCmd.BTF_LOAD.value).isEqualTo(18);
        assertThat(BpfCmd.LINK_CREATE.value).isEqualTo(28);
        assertThat(XdpAction.TX.value).isEqualTo(3);
        assertThat(LinkType.XDP.value).isEqualTo(6);
        assertThat(LinkType.PERF_EVENT.value).isEqualTo(7);
        assertThat(LinkType.TCX.value).isEqualTo(11);
    }

    @Test
    void unknownValuesHaveNames() {
        assertThat(MapType.nameOf(6)).isEqualTo("BPF_MAP_TYPE_PERCPU_ARRAY");
        assertThat(MapType.nameOf(999)).isEqualTo("unknown(999)");
        assertThat(MapType.nameOf(-1)).isEqualTo("unknown(-1)");
        assertThat(MapType.of(999)).isNull();
        assertThat(ProgType.nameOf(6)).isEqualTo("BPF_PROG_TYPE_XDP");
        assertThat(ProgType.nameOf(1000)).isEqualTo("unknown(1000)");
        assertThat(AttachType.nameOf(37)).isEqualTo("BPF_XDP");
        assertThat(AttachType.nameOf(45)).isEqualTo("BPF_NETFILTER");
        assertThat(AttachType.nameOf(46)).isEqualTo("BPF_TCX_INGRESS");
        assertThat(AttachType.nameOf(58)).isEqualTo("unknown(58)");
        assertThat(BpfCmd.nameOf(-3)).isEqualTo("unknown(-3)");
        assertThat(XdpAction.nameOf(2)).isEqualTo("XDP_PASS");
        assertThat(XdpAction.nameOf(5)).isEqualTo("unknown(5)");
        assertThat(LinkType.nameOf(6)).isEqualTo("BPF_LINK_TYPE_XDP");
        assertThat(LinkType.nameOf(99)).isEqualTo("unknown(99)");
        assertThat(LinkType.of(-1)).isNull();
    }
}
