package io.jbpf.internal.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.uapi.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reply parsing of {@link NetlinkSocket} (linux/netlink.h), on datagrams built here. */
class NetlinkRepliesTest {
    private static final int SEQ = 77;

    private static ByteBuffer datagram() {
        return ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());
    }

    /** Appends a message: header, then {@code payload}. */
    private static void message(ByteBuffer d, int type, int flags, int seq, byte[] payload) {
        int len = NetlinkSocket.NLMSG_HDRLEN + payload.length;
        d.putInt(len).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0).put(payload);
        while (d.position() % 4 != 0) {
            d.put((byte) 0);
        }
    }

    /** NLMSG_ERROR payload: error, the request's header (capped), then ext-ack attributes. */
    private static byte[] error(int errno, String extAck) {
        ByteBuffer p = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
        p.putInt(-errno);
        p.putInt(NetlinkSocket.NLMSG_HDRLEN).putShort((short) 19).putShort((short) 5).putInt(SEQ).putInt(0);
        if (extAck != null) {
            byte[] s = (extAck + "\0").getBytes(StandardCharsets.UTF_8);
            p.putShort((short) (4 + s.length)).putShort((short) NetlinkSocket.NLMSGERR_ATTR_MSG).put(s);
        }
        byte[] out = new byte[p.position()];
        p.flip().get(out);
        return out;
    }

    private static boolean collect(ByteBuffer d, List<ByteBuffer> replies) {
        d.limit(d.position()).position(0);
        return NetlinkSocket.collect(d.slice().order(ByteOrder.nativeOrder()), SEQ, "attach X to veth0", replies);
    }

    @Test
    void payloadsOfThisRequestAreKeptUntilDone() {
        ByteBuffer d = datagram();
        message(d, 16, NetlinkSocket.NLM_F_MULTI, SEQ, new byte[] {1, 2, 3, 4});
        message(d, 16, NetlinkSocket.NLM_F_MULTI, SEQ + 1, new byte[] {9, 9, 9, 9}); // another request's
        message(d, 16, NetlinkSocket.NLM_F_MULTI, SEQ, new byte[] {5, 6, 7, 8});
        List<ByteBuffer> replies = new ArrayList<>();
        assertThat(collect(d, replies)).as("no DONE yet").isFalse();
        assertThat(replies).hasSize(2);
        assertThat(replies.get(1).get(0)).isEqualTo((byte) 5);

        ByteBuffer done = datagram();
        message(done, NetlinkSocket.NLMSG_DONE, NetlinkSocket.NLM_F_MULTI, SEQ, new byte[4]);
        assertThat(collect(done, replies)).isTrue();
    }

    @Test
    void anAckOfZeroEndsTheRequest() {
        ByteBuffer d = datagram();
        message(d, NetlinkSocket.NLMSG_ERROR, 0, SEQ, error(0, null));
        assertThat(collect(d, new ArrayList<>())).isTrue();
    }

    @Test
    void anErrorCarriesTheErrnoAndTheKernelsText() {
        ByteBuffer d = datagram();
        message(d, NetlinkSocket.NLMSG_ERROR, NetlinkSocket.NLM_F_CAPPED | NetlinkSocket.NLM_F_ACK_TLVS, SEQ,
                error(Errno.EBUSY, "Can't replace active BPF XDP link"));
        assertThatThrownBy(() -> collect(d, new ArrayList<>())).isInstanceOf(BpfException.class)
                .hasMessageContaining("attach X to veth0: Can't replace active BPF XDP link")
                .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.EBUSY));
    }

    @Test
    void malformedRepliesAreErrorsNotCrashes() {
        ByteBuffer d = datagram();
        d.putInt(4000).putShort((short) 16).putShort((short) 0).putInt(SEQ).putInt(0); // longer than the datagram
        assertThatThrownBy(() -> collect(d, new ArrayList<>())).isInstanceOf(BpfException.class)
                .hasMessageContaining("malformed");
        ByteBuffer shortError = datagram();
        message(shortError, NetlinkSocket.NLMSG_ERROR, 0, SEQ, new byte[0]);
        assertThatThrownBy(() -> collect(shortError, new ArrayList<>())).isInstanceOf(BpfException.class)
                .hasMessageContaining("malformed");
        ByteBuffer badInner = datagram(); // an ext-ack claiming a request copy longer than the message
        byte[] p = error(Errno.EINVAL, "x");
        ByteBuffer.wrap(p).order(ByteOrder.nativeOrder()).putInt(4, 10_000);
        message(badInner, NetlinkSocket.NLMSG_ERROR, NetlinkSocket.NLM_F_ACK_TLVS, SEQ, p);
        assertThatThrownBy(() -> collect(badInner, new ArrayList<>())).isInstanceOf(BpfException.class)
                .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.EINVAL));
    }
}
