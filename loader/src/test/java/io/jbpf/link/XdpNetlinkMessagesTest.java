package io.jbpf.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.internal.netlink.NetlinkSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** rtnetlink messages for XDP, encoded and parsed without a socket (layouts of linux/if_link.h, linux/rtnetlink.h). */
class XdpNetlinkMessagesTest {
    /** The IFLA_XDP attributes of a SETLINK message, by type, after checking the framing around them. */
    private static Map<Integer, Integer> xdpAttrs(ByteBuffer m, int ifindex) {
        int len = m.position();
        assertThat(Short.toUnsignedInt(m.getShort(4))).as("nlmsg_type").isEqualTo(XdpAttach.RTM_SETLINK);
        assertThat(Short.toUnsignedInt(m.getShort(6))).as("nlmsg_flags")
                .isEqualTo(NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK);
        int hdr = NetlinkSocket.NLMSG_HDRLEN;
        assertThat(m.getInt(hdr + 4)).as("ifinfomsg.ifi_index").isEqualTo(ifindex);
        int nest = hdr + XdpAttach.IFINFOMSG_SIZE;
        assertThat(m.getShort(nest + 2) & 0xffff).as("IFLA_XDP, nested")
                .isEqualTo(XdpAttach.IFLA_XDP | NetlinkSocket.NLA_F_NESTED);
        assertThat(nest + Short.toUnsignedInt(m.getShort(nest))).as("the nest spans to the end").isEqualTo(len);
        Map<Integer, Integer> out = new LinkedHashMap<>();
        NetlinkSocket.forEachAttr(m, nest + 4, len, (type, at, l) -> {
            assertThat(l).isEqualTo(4);
            out.put(type, m.getInt(at));
        });
        return out;
    }

    @Test
    void attachCarriesFdAndFlags() {
        int flags = XdpAttach.XDP_FLAGS_DRV_MODE | XdpAttach.XDP_FLAGS_UPDATE_IF_NOEXIST;
        Map<Integer, Integer> a = xdpAttrs(XdpAttach.setLinkMessage(7, 42, flags, -1), 7);
        assertThat(a).containsExactly(Map.entry(XdpAttach.IFLA_XDP_FD, 42), Map.entry(XdpAttach.IFLA_XDP_FLAGS, flags));
    }

    @Test
    void detachIsFdMinusOneAndReplaceNamesTheExpectedProgram() {
        assertThat(xdpAttrs(XdpAttach.setLinkMessage(3, -1, 0, -1), 3))
                .as("no flags attribute when there are none").containsExactly(Map.entry(XdpAttach.IFLA_XDP_FD, -1));
        int flags = XdpAttach.XDP_FLAGS_SKB_MODE | XdpAttach.XDP_FLAGS_REPLACE;
        assertThat(xdpAttrs(XdpAttach.setLinkMessage(3, -1, flags, 9), 3)).containsExactly(
                Map.entry(XdpAttach.IFLA_XDP_FD, -1), Map.entry(XdpAttach.IFLA_XDP_FLAGS, flags),
                Map.entry(XdpAttach.IFLA_XDP_EXPECTED_FD, 9));
    }

    /** An RTM_NEWLINK payload as the kernel sends it: ifinfomsg, IFLA_IFNAME, nested IFLA_XDP. */
    private static ByteBuffer newlink(int ifindex, String name, int attached, int progId, int drvId, int skbId) {
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
        b.put((byte) 0).put((byte) 0).putShort((short) 1).putInt(ifindex).putInt(0).putInt(0);
        byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
        b.putShort((short) (4 + n.length)).putShort((short) XdpAttach.IFLA_IFNAME).put(n);
        while (b.position() % 4 != 0) {
            b.put((byte) 0);
        }
        NetlinkSocket.putAttrInt(b, 4, 1500); // IFLA_MTU: ignored
        int nest = NetlinkSocket.beginNested(b, XdpAttach.IFLA_XDP);
        b.putShort((short) 5).putShort((short) XdpAttach.IFLA_XDP_ATTACHED).put((byte) attached).put(new byte[3]);
        NetlinkSocket.putAttrInt(b, XdpAttach.IFLA_XDP_PROG_ID, progId);
        NetlinkSocket.putAttrInt(b, XdpAttach.IFLA_XDP_DRV_PROG_ID, drvId);
        NetlinkSocket.putAttrInt(b, XdpAttach.IFLA_XDP_SKB_PROG_ID, skbId);
        NetlinkSocket.endNested(b, nest);
        b.limit(b.position());
        b.position(0);
        return b.slice().order(ByteOrder.nativeOrder());
    }

    @Test
    void linkRepliesGiveNameAndProgramIdsPerMode() {
        List<XdpStatus> s = XdpAttach.parseLinks(List.of(newlink(7, "veth0", 1, 42, 42, 0),
                newlink(1, "lo", 0, 0, 0, 0), ByteBuffer.allocate(3)));
        assertThat(s).hasSize(2);
        assertThat(s.get(0)).isEqualTo(new XdpStatus(7, "veth0", 1, 42, 0, 42, 0));
        assertThat(s.get(0).modes()).containsExactly(XdpMode.NATIVE);
        assertThat(s.get(0).progId(XdpMode.NATIVE)).isEqualTo(42);
        assertThat(s.get(1).hasProgram()).isFalse();
    }
}
