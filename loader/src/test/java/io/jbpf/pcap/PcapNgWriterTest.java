package io.jbpf.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The pcapng blocks PcapNgWriter writes, checked field by field against the pcapng draft's layout. */
class PcapNgWriterTest {

    private static ByteBuffer written(ByteArrayOutputStream out) {
        return ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.nativeOrder());
    }

    @Test
    void sectionHeaderBlock() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PcapNgWriter(out, null).close();
        ByteBuffer b = written(out);
        assertThat(b.remaining()).isEqualTo(28);
        assertThat(b.getInt(0)).as("block type").isEqualTo(0x0A0D0D0A);
        assertThat(b.getInt(4)).as("total length").isEqualTo(28);
        assertThat(b.getInt(8)).as("byte-order magic").isEqualTo(0x1A2B3C4D);
        assertThat(b.getShort(12)).as("major").isEqualTo((short) 1);
        assertThat(b.getShort(14)).as("minor").isEqualTo((short) 0);
        assertThat(b.getLong(16)).as("section length: unknown").isEqualTo(-1L);
        assertThat(b.getInt(24)).as("trailing total length").isEqualTo(28);
    }

    @Test
    void sectionHeaderNamesTheApplication() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PcapNgWriter(out, "jbpf dump").close();
        ByteBuffer b = written(out);
        // 24 fixed + option header 4 + "jbpf dump" 9 padded to 12 + opt_endofopt 4 + trailing length 4
        assertThat(b.remaining()).isEqualTo(48);
        assertThat(b.getInt(4)).isEqualTo(48);
        assertThat(b.getShort(24)).as("shb_userappl").isEqualTo((short) 4);
        assertThat(b.getShort(26)).as("option length, unpadded").isEqualTo((short) 9);
        assertThat(new String(out.toByteArray(), 28, 9, StandardCharsets.UTF_8)).isEqualTo("jbpf dump");
        assertThat(out.toByteArray()[37]).as("padding is zero").isZero();
        assertThat(b.getInt(40)).as("opt_endofopt").isZero();
        assertThat(b.getInt(44)).isEqualTo(48);
    }

    @Test
    void interfaceDescriptionBlockHasLinkTypeSnaplenNameAndNanosecondResolution() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapNgWriter w = new PcapNgWriter(out, null)) {
            assertThat(w.addInterface("veth0", 1500)).isZero();
            assertThat(w.addInterface("eth1", 96)).isEqualTo(1);
        }
        ByteBuffer b = written(out);
        int at = 28;
        assertThat(b.getInt(at)).as("block type").isEqualTo(1);
        // 8 header + 8 fixed + if_name (4 + "veth0" padded to 8) + if_tsresol (4 + 4) + end 4 + trailer 4
        int len = 8 + 8 + 12 + 8 + 4 + 4;
        assertThat(b.getInt(at + 4)).isEqualTo(len);
        assertThat(b.getShort(at + 8)).as("LINKTYPE_ETHERNET").isEqualTo((short) 1);
        assertThat(b.getShort(at + 10)).as("reserved").isZero();
        assertThat(b.getInt(at + 12)).as("snaplen").isEqualTo(1500);
        assertThat(b.getShort(at + 16)).as("if_name").isEqualTo((short) 2);
        assertThat(b.getShort(at + 18)).isEqualTo((short) 5);
        assertThat(new String(out.toByteArray(), at + 20, 5, StandardCharsets.UTF_8)).isEqualTo("veth0");
        assertThat(b.getShort(at + 28)).as("if_tsresol").isEqualTo((short) 9);
        assertThat(b.getShort(at + 30)).isEqualTo((short) 1);
        assertThat(b.get(at + 32)).as("10^-9 s").isEqualTo((byte) 9);
        assertThat(b.getInt(at + 36)).as("opt_endofopt").isZero();
        assertThat(b.getInt(at + len - 4)).isEqualTo(len);
        int second = at + len;
        assertThat(b.getInt(second)).isEqualTo(1);
        assertThat(b.getInt(second + 12)).isEqualTo(96);
        assertThat(second + b.getInt(second + 4)).as("nothing after the second IDB").isEqualTo(b.limit());
    }

    @Test
    void enhancedPacketBlockCarriesTimestampLengthsDataAndComment() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer packet = ByteBuffer.allocate(20);
        for (int i = 0; i < 20; i++) {
            packet.put(i, (byte) (0xa0 + i));
        }
        long ts = 1_790_000_000_123_456_789L;
        int start;
        try (PcapNgWriter w = new PcapNgWriter(out, null)) {
            w.addInterface("d", 64);
            start = out.size();
            // 7 bytes from offset 3 of a 98-byte packet
            w.writePacket(0, ts, packet, 3, 7, 98, "exit XDP_TX");
        }
        ByteBuffer b = written(out);
        // 8 header + 20 fixed + 8 data (7 padded) + comment (4 + 11 padded to 12) + end 4 + trailer 4
        int len = 8 + 20 + 8 + 16 + 4 + 4;
        assertThat(b.getInt(start)).as("block type EPB").isEqualTo(6);
        assertThat(b.getInt(start + 4)).isEqualTo(len);
        assertThat(b.getInt(start + 8)).as("interface id").isZero();
        assertThat(b.getInt(start + 12)).as("timestamp high").isEqualTo((int) (ts >>> 32));
        assertThat(b.getInt(start + 16)).as("timestamp low").isEqualTo((int) ts);
        assertThat(b.getInt(start + 20)).as("captured length").isEqualTo(7);
        assertThat(b.getInt(start + 24)).as("original length").isEqualTo(98);
        for (int i = 0; i < 7; i++) {
            assertThat(b.get(start + 28 + i)).isEqualTo((byte) (0xa3 + i));
        }
        assertThat(b.get(start + 35)).as("padding").isZero();
        assertThat(b.getShort(start + 36)).as("opt_comment").isEqualTo((short) 1);
        assertThat(b.getShort(start + 38)).isEqualTo((short) 11);
        assertThat(new String(out.toByteArray(), start + 40, 11, StandardCharsets.UTF_8)).isEqualTo("exit XDP_TX");
        assertThat(b.getInt(start + 52)).as("opt_endofopt").isZero();
        assertThat(b.getInt(start + len - 4)).isEqualTo(len);
        assertThat(start + len).isEqualTo(b.limit());
        assertThat(packet.position()).as("the source buffer's position is left alone").isZero();
    }

    @Test
    void aPacketWithoutCommentHasNoOptions() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int start;
        try (PcapNgWriter w = new PcapNgWriter(out, null)) {
            w.addInterface("d", 64);
            w.writePacket(0, 1, ByteBuffer.allocate(64), 0, 64, 64, "a long comment that makes the block bigger");
            start = out.size();
            w.writePacket(0, 1, ByteBuffer.allocate(4), 0, 4, 4, null);
        }
        ByteBuffer b = written(out);
        assertThat(b.getInt(start + 4)).isEqualTo(8 + 20 + 4 + 4);
        assertThat(b.getInt(start + 32)).as("the trailer follows the data").isEqualTo(36);
    }

    @Test
    void refusesUnknownInterfacesAndImpossibleLengths() throws Exception {
        try (PcapNgWriter w = new PcapNgWriter(new ByteArrayOutputStream(), null)) {
            assertThatThrownBy(() -> w.writePacket(0, 0, ByteBuffer.allocate(4), 0, 4, 4, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interface 0 was not added");
            w.addInterface("d", 64);
            assertThatThrownBy(() -> w.writePacket(0, 0, ByteBuffer.allocate(8), 0, 8, 4, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("captured length 8");
        }
    }
}
