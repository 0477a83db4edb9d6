package io.jbpf.internal.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The clsact/cls_bpf rtnetlink messages, byte for byte against what was recorded on Linux 6.18
 * (the hooks fact sheet, section "clsact qdisc and cls_bpf over rtnetlink"): requests the kernel
 * accepted, and a real RTM_GETTFILTER dump answer captured after {@code tc filter add dev jtcx0
 * ingress pref 10 handle 1 bpf da obj tc_icmp.o sec tc}.
 */
class TcMessagesTest {
    private static final int REQ_ACK = NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK;

    /** The message as {@link NetlinkSocket#request} sends it: length and {@code seq} filled in. */
    private static String hex(ByteBuffer m, int seq) {
        m.putInt(0, m.position());
        m.putInt(8, seq);
        return HexFormat.of().formatHex(Arrays.copyOf(m.array(), m.position()));
    }

    private static String strip(String s) {
        return s.replaceAll("[\\s|]", "");
    }

    @Test
    void clsactQdiscAddIsTheRecordedMessage() {
        ByteBuffer m = TcMessages.clsactQdisc(TcMessages.RTM_NEWQDISC,
                REQ_ACK | TcMessages.NLM_F_EXCL | TcMessages.NLM_F_CREATE, 2);
        assertThat(hex(m, 2)).isEqualTo(strip("30000000 2400 0506 02000000 00000000 | 00 00 0000 02000000 0000ffff "
                + "f1ffffff 00000000 | 0b00 0100 636c7361637400 00"));
    }

    @Test
    void bpfFilterAddIsTheRecordedMessage() {
        int parent = TcMessages.clsactParent(TcMessages.TC_H_MIN_INGRESS);
        ByteBuffer m = TcMessages.bpfFilter(REQ_ACK | TcMessages.NLM_F_EXCL | TcMessages.NLM_F_CREATE, 2, parent, 10, 1,
                4, "tc_icmp.o:[tc]");
        String h = hex(m, 9);
        // The recording elides seq and pid (bytes 8..15): compare the rest.
        assertThat(h.substring(0, 16)).isEqualTo("540000002c000506");
        assertThat(h.substring(32)).isEqualTo(strip("00000000 02000000 01000000 f2ffffff 00030a00 | 0800 0100 62706600 | "
                + "2800 0280 08000600 04000000 1300 0700 74635f69636d702e6f3a5b74635d00 00 08000800 01000000"));
    }

    @Test
    void replaceAndEchoOnlyChangeTheFlags() {
        int parent = TcMessages.clsactParent(TcMessages.TC_H_MIN_EGRESS);
        assertThat(parent).isEqualTo(0xFFFFFFF3);
        ByteBuffer m = TcMessages.bpfFilter(REQ_ACK | TcMessages.NLM_F_CREATE | TcMessages.NLM_F_REPLACE
                | TcMessages.NLM_F_ECHO, 5, parent, 0, 0, 7, "x");
        assertThat(Short.toUnsignedInt(m.getShort(6))).isEqualTo(0x50D);
        assertThat(m.getInt(16 + 12)).as("tcm_parent").isEqualTo(0xFFFFFFF3);
        assertThat(m.getInt(16 + 16)).as("tcm_info: prio 0 (kernel picks), ETH_P_ALL").isEqualTo(0x0300);
    }

    @Test
    void deleteNamesPlaceAndKind() {
        int parent = TcMessages.clsactParent(TcMessages.TC_H_MIN_INGRESS);
        ByteBuffer m = TcMessages.deleteFilter(REQ_ACK, 2, parent, 10, 1);
        assertThat(hex(m, 3)).isEqualTo(strip("2c000000 2d00 0500 03000000 00000000 | 00000000 02000000 01000000 "
                + "f2ffffff 00030a00 | 0800 0100 62706600"));
    }

    @Test
    void dumpAsksForEveryFilterUnderTheParent() {
        ByteBuffer m = TcMessages.dumpFilters(3, TcMessages.clsactParent(TcMessages.TC_H_MIN_INGRESS));
        assertThat(hex(m, 5)).isEqualTo(strip("24000000 2e00 0103 05000000 00000000 | 00000000 03000000 00000000 "
                + "f2ffffff 00000000"));
    }

    @Test
    void actBpfProbeCarriesOnlyTheKind() {
        ByteBuffer m = TcMessages.probeActBpf();
        assertThat(hex(m, 1)).isEqualTo(strip("24000000 3000 0506 01000000 00000000 | 00000000 | 1000 0180 | 0c00 0180 "
                + "0800 0100 62706600"));
    }

    @Test
    void recordedDumpParsesAndSkipsTheChainHead() {
        ByteBuffer head = payload("000000000300000000000000f2ffffff00030a00080001006270660008000b0000000000");
        ByteBuffer filter = payload("000000000300000001000000f2ffffff00030a00080001006270660008000b00000000003c0002"
                + "001300070074635f69636d702e6f3a5b74635d000008000b00659b00000c000a00b54a59d2886883db0800080001000000"
                + "0800090008000000");
        List<TcMessages.Filter> f = TcMessages.parseFilters(List.of(head, filter));
        assertThat(f).containsExactly(new TcMessages.Filter(3, 0xFFFFFFF2, 10, 1, "bpf", 0, "tc_icmp.o:[tc]", 39781,
                "b54a59d2886883db", TcMessages.TCA_BPF_FLAG_ACT_DIRECT));
    }

    private static ByteBuffer payload(String hex) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hex)).order(ByteOrder.nativeOrder());
    }
}
