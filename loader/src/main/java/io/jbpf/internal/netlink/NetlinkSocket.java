package io.jbpf.internal.netlink;

import io.jbpf.common.BpfException;
import io.jbpf.uapi.Errno;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A NETLINK_ROUTE socket that sends one request at a time and collects the replies until the
 * kernel's ACK or NLMSG_DONE. Extended ACK is switched on so failures carry the kernel's own
 * text ("Native and generic XDP can't be active at the same time"). Not thread-safe; open one per use.
 */
public final class NetlinkSocket implements AutoCloseable {
    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int NETLINK_ROUTE = 0;
    static final int SOL_SOCKET = 1;
    static final int SO_RCVTIMEO = 20;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_EXT_ACK = 11;

    public static final int NLMSG_HDRLEN = 16;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_MULTI = 0x2;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_CAPPED = 0x100;
    static final int NLM_F_ACK_TLVS = 0x200;
    static final int NLMSGERR_ATTR_MSG = 1;

    private static final int RECV_BUF = 64 * 1024;
    /** The kernel answers at once; the timeout only keeps a broken socket from hanging the CLI. */
    private static final int RECV_TIMEOUT_SECONDS = 10;

    private final NativeMemory recvBuf = Native.allocate(RECV_BUF);
    private int fd;
    private int seq = (int) (System.nanoTime() & 0x3fffffff);

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /** Opens and binds a NETLINK_ROUTE socket in the calling thread's network namespace. */
    public static NetlinkSocket openRoute() {
        int fd = LibC.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0) {
            throw new BpfException("rtnetlink socket", Native.errno());
        }
        try {
            NativeMemory one = Native.allocate(4);
            one.putInt(0, 1);
            // Best effort: without extended ACK errors still arrive, only without the kernel's text.
            LibC.setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, one, 4);
            NativeMemory tv = Native.allocate(16);
            tv.putLong(0, RECV_TIMEOUT_SECONDS);
            LibC.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16);
            NativeMemory addr = sockaddr();
            if (LibC.bind(fd, addr, 12) < 0) {
                throw new BpfException("rtnetlink bind", Native.errno());
            }
            return new NetlinkSocket(fd);
        } catch (RuntimeException e) {
            Native.closeQuietly(fd);
            throw e;
        }
    }

    /** A message buffer with room for the header; fill the payload, then pass it to {@link #request}. */
    public static ByteBuffer message(int type, int flags, int capacity) {
        ByteBuffer b = ByteBuffer.allocate(capacity).order(ByteOrder.nativeOrder());
        b.putInt(0).putShort((short) type).putShort((short) flags).putInt(0).putInt(0);
        return b;
    }

    /**
     * Sends {@code msg} (built by {@link #message}, position at its end) and returns the reply
     * messages, each a buffer positioned at its payload. {@code what} names the operation in errors.
     */
    public List<ByteBuffer> request(ByteBuffer msg, String what) {
        int len = msg.position();
        int mySeq = ++seq;
        msg.putInt(0, len);
        msg.putInt(8, mySeq);
        NativeMemory out = Native.copyOf(java.util.Arrays.copyOf(msg.array(), len));
        NativeMemory addr = sockaddr();
        if (LibC.sendto(fd, out, len, 0, addr, 12) < 0) {
            throw new BpfException(what + ": rtnetlink send", Native.errno());
        }
        List<ByteBuffer> replies = new ArrayList<>();
        while (true) {
            long n = LibC.recv(fd, recvBuf, RECV_BUF, 0);
            if (n < 0) {
                int errno = Native.errno();
                if (errno == Errno.EINTR) {
                    continue;
                }
                throw new BpfException(what + ": rtnetlink receive", errno);
            }
            byte[] data = new byte[(int) n];
            recvBuf.get(0, data, 0, data.length);
            if (collect(ByteBuffer.wrap(data).order(ByteOrder.nativeOrder()), mySeq, what, replies)) {
                return replies;
            }
        }
    }

    /**
     * Reads one datagram of replies to request {@code seq}: adds each message's payload to
     * {@code replies} and says whether the answer is complete (NLMSG_DONE, or an acknowledgement).
     * An error reply becomes a {@link BpfException} with the kernel's extended-ack text.
     */
    static boolean collect(ByteBuffer b, int seq, String what, List<ByteBuffer> replies) {
        int n = b.limit();
        int pos = 0;
        while (pos + NLMSG_HDRLEN <= n) {
            int mlen = b.getInt(pos);
            int type = Short.toUnsignedInt(b.getShort(pos + 4));
            int flags = Short.toUnsignedInt(b.getShort(pos + 6));
            int mseq = b.getInt(pos + 8);
            if (mlen < NLMSG_HDRLEN || pos + mlen > n) {
                throw new BpfException(what + ": malformed rtnetlink reply");
            }
            if (mseq == seq) {
                if (type == NLMSG_DONE) {
                    return true;
                }
                if (type == NLMSG_ERROR) {
                    if (mlen < NLMSG_HDRLEN + 4) {
                        throw new BpfException(what + ": malformed rtnetlink error reply");
                    }
                    int error = b.getInt(pos + NLMSG_HDRLEN);
                    if (error == 0) {
                        return true;
                    }
                    String text = extAckMessage(b, pos, mlen, flags);
                    throw new BpfException(what + (text == null ? "" : ": " + text), -error);
                }
                replies.add(b.slice(pos + NLMSG_HDRLEN, mlen - NLMSG_HDRLEN).order(ByteOrder.nativeOrder()));
            }
            pos += align4(mlen);
        }
        return false;
    }

    /** The NLMSGERR_ATTR_MSG text that follows an error's copy of the request, if any. */
    private static String extAckMessage(ByteBuffer b, int pos, int mlen, int flags) {
        if ((flags & NLM_F_ACK_TLVS) == 0) {
            return null;
        }
        int inner = pos + NLMSG_HDRLEN + 4;
        int end = pos + mlen;
        if (inner + 4 > end) {
            return null;
        }
        int innerLen = (flags & NLM_F_CAPPED) != 0 ? NLMSG_HDRLEN : b.getInt(inner);
        if (innerLen < NLMSG_HDRLEN || innerLen > end - inner) {
            return null; // not the copy of a request: no attributes to trust after it
        }
        int at = inner + align4(innerLen);
        while (at + 4 <= end) {
            int alen = Short.toUnsignedInt(b.getShort(at));
            int atype = b.getShort(at + 2) & 0x3fff;
            if (alen < 4 || at + alen > end) {
                return null;
            }
            if (atype == NLMSGERR_ATTR_MSG) {
                int sEnd = at + 4;
                while (sEnd < at + alen && b.get(sEnd) != 0) {
                    sEnd++;
                }
                byte[] s = new byte[sEnd - at - 4];
                b.get(at + 4, s);
                return new String(s, StandardCharsets.UTF_8);
            }
            at += align4(alen);
        }
        return null;
    }

    /** Adds an attribute with a 4-byte payload. */
    public static void putAttrInt(ByteBuffer b, int type, int value) {
        b.putShort((short) 8).putShort((short) type).putInt(value);
    }

    /** Starts a nested attribute; finish it with {@link #endNested}. */
    public static int beginNested(ByteBuffer b, int type) {
        int start = b.position();
        b.putShort((short) 0).putShort((short) (type | NLA_F_NESTED));
        return start;
    }

    public static void endNested(ByteBuffer b, int start) {
        b.putShort(start, (short) (b.position() - start));
    }

    public static final int NLA_F_NESTED = 0x8000;

    /** Calls {@code visitor} for each attribute in {@code b} from {@code from} to {@code to}. */
    public static void forEachAttr(ByteBuffer b, int from, int to, AttrVisitor visitor) {
        int at = from;
        while (at + 4 <= to) {
            int alen = Short.toUnsignedInt(b.getShort(at));
            int atype = b.getShort(at + 2) & 0x3fff;
            if (alen < 4 || at + alen > to) {
                return;
            }
            visitor.visit(atype, at + 4, alen - 4);
            at += align4(alen);
        }
    }

    /** Receives one attribute: its type and where its payload lies in the buffer. */
    @FunctionalInterface
    public interface AttrVisitor {
        void visit(int type, int payloadOffset, int payloadLength);
    }

    public static int align4(int n) {
        return (n + 3) & ~3;
    }

    private static NativeMemory sockaddr() {
        NativeMemory addr = Native.allocate(12);
        addr.putShort(0, (short) AF_NETLINK);
        return addr;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            Native.closeQuietly(fd);
            fd = -1;
        }
    }
}
