package io.jbpf.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The rtnetlink requests LwtRoute sends, byte for byte: the RTM_NEWROUTE below is the one the
 * fact sheet's experiment sent by hand and saw `ip route` list as "encap bpf xmit" (the header's
 * length and sequence number are filled in when sent, so they are zero here).
 */
class LwtRouteMessagesTest {
    private static byte[] bytes(ByteBuffer b) {
        return Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void newRouteWithXmitProgramMatchesTheVerifiedMessage() throws Exception {
        LwtRoute.Route r = new LwtRoute.Route(InetAddress.getByName("10.201.2.0"), 24, "rsb0");
        ByteBuffer b = LwtRoute.newRoute(LwtRoute.NLM_F_CREATE | LwtRoute.NLM_F_EXCL, r, 2, LwtRoute.Slot.XMIT, 7,
                "lwt_drop.o:[lwt_xmit]");
        String expected = "00000000" + "1800" + "0506" + "00000000" + "00000000"   // nlmsghdr: NEWROUTE, REQ|ACK|EXCL|CREATE
                + "02180000fe03fd01" + "00000000"                                    // rtmsg
                + "08000100" + "0ac90200"                                             // RTA_DST
                + "08000400" + "02000000"                                             // RTA_OIF
                + "06001500" + "06000000"                                             // RTA_ENCAP_TYPE = BPF
                + "2c001680" + "28000380"                                             // RTA_ENCAP { LWT_BPF_XMIT {
                + "08000100" + "07000000"                                             //   PROG_FD
                + "1a000200" + HexFormat.of().formatHex("lwt_drop.o:[lwt_xmit]\0".getBytes()) + "0000"; // PROG_NAME }}
        assertThat(HexFormat.of().formatHex(bytes(b))).isEqualTo(expected);
    }

    @Test
    void ipv6RoutesCarryTheSixteenByteDestination() throws Exception {
        LwtRoute.Route r = new LwtRoute.Route(InetAddress.getByName("fd00:77::"), 64, "eth0");
        byte[] m = bytes(LwtRoute.newRoute(0, r, 3, LwtRoute.Slot.IN, 5, "p"));
        assertThat(m[16]).as("rtm_family AF_INET6").isEqualTo((byte) 10);
        assertThat(m[17]).as("rtm_dst_len").isEqualTo((byte) 64);
        assertThat(HexFormat.of().formatHex(m, 28, 48)).isEqualTo("14000100" + "fd000077000000000000000000000000");
    }

    @Test
    void deleteNamesTheSameRouteWithoutEncap() throws Exception {
        LwtRoute.Route r = new LwtRoute.Route(InetAddress.getByName("10.201.2.0"), 24, "rsb0");
        assertThat(HexFormat.of().formatHex(bytes(LwtRoute.delRoute(r, 2))))
                .isEqualTo("00000000" + "1900" + "0500" + "0000000000000000" + "02180000fe03fd01" + "00000000"
                        + "080001000ac90200" + "0800040002000000");
    }

    @Test
    void prefixMustFitTheFamily() throws Exception {
        InetAddress v4 = InetAddress.getByName("10.0.0.0");
        assertThatThrownBy(() -> new LwtRoute.Route(v4, 33, "eth0")).isInstanceOf(BpfException.class)
                .hasMessageContaining("0..32");
        assertThat(new LwtRoute.Route(InetAddress.getByName("::"), 128, "eth0").prefixLength()).isEqualTo(128);
    }

    @Test
    void netfilterOptionsRefuseReservedPrioritiesAndCopyFlags() {
        assertThatThrownBy(() -> new NetfilterLink.Options(NetfilterLink.Protocol.IPV4, NetfilterLink.Hook.LOCAL_IN,
                Integer.MAX_VALUE)).isInstanceOf(BpfException.class).hasMessageContaining("reserved");
        var flags = new java.util.HashSet<NetfilterLink.Flag>();
        flags.add(NetfilterLink.Flag.IP_DEFRAG);
        var o = new NetfilterLink.Options(NetfilterLink.Protocol.IPV6, NetfilterLink.Hook.PRE_ROUTING, -1, flags);
        flags.clear();
        assertThat(o.flags()).containsExactly(NetfilterLink.Flag.IP_DEFRAG);
        assertThat(o.flagBits()).isEqualTo(1);
    }
}
