package io.jbpf.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The rtnetlink messages of {@code tc}'s clsact qdisc and cls_bpf filters, built and parsed here
 * without any socket, so that their bytes can be checked against the ones {@code tc} and the
 * kernel were seen to accept (the fact sheet's recordings). Each message is a {@code struct tcmsg}
 * (linux/rtnetlink.h) followed by attributes; the socket work is in {@link NetlinkSocket}.
 */
public final class TcMessages {
    // linux/rtnetlink.h
    public static final int RTM_NEWQDISC = 36;
    public static final int RTM_DELQDISC = 37;
    public static final int RTM_NEWTFILTER = 44;
    public static final int RTM_DELTFILTER = 45;
    public static final int RTM_GETTFILTER = 46;
    public static final int RTM_NEWACTION = 48;
    static final int TCA_KIND = 1;
    static final int TCA_OPTIONS = 2;
    static final int TCA_CHAIN = 11;
    static final int TCA_ACT_TAB = 1;
    static final int TCA_ACT_KIND = 1;
    static final int TCA_ACT_OPTIONS = 2;
    public static final int TCMSG_SIZE = 20;
    // linux/pkt_sched.h: the clsact qdisc sits at ffff:fff1, its hooks are minors fff2 and fff3
    public static final int TC_H_CLSACT = 0xFFFFFFF1;
    public static final int CLSACT_HANDLE = 0xFFFF0000;
    public static final int TC_H_MIN_INGRESS = 0xFFF2;
    public static final int TC_H_MIN_EGRESS = 0xFFF3;
    // linux/pkt_cls.h
    static final int TCA_BPF_FD = 6;
    static final int TCA_BPF_NAME = 7;
    static final int TCA_BPF_FLAGS = 8;
    static final int TCA_BPF_TAG = 10;
    static final int TCA_BPF_ID = 11;
    public static final int TCA_BPF_FLAG_ACT_DIRECT = 1;
    // linux/if_ether.h: the filter matches every protocol
    static final int ETH_P_ALL = 0x0003;
    // linux/netlink.h
    public static final int NLM_F_ECHO = 0x8;
    public static final int NLM_F_REPLACE = 0x100;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;

    private TcMessages() {
    }

    /** The parent handle of the clsact hook with minor {@code min} ({@link #TC_H_MIN_INGRESS} or egress). */
    public static int clsactParent(int min) {
        return (TC_H_CLSACT & 0xFFFF0000) | (min & 0xFFFF);
    }

    /**
     * {@code tcm_info} of a filter: its priority in the upper half, the protocol (ETH_P_ALL, in
     * network byte order, as tc writes it) in the lower.
     */
    public static int filterInfo(int priority) {
        return (priority << 16) | Short.toUnsignedInt(Short.reverseBytes((short) ETH_P_ALL));
    }

    /**
     * The clsact qdisc message: {@code type} RTM_NEWQDISC (flags with NLM_F_CREATE, and NLM_F_EXCL to
     * fail when it exists) or RTM_DELQDISC, which removes the qdisc with every filter on it.
     */
    public static ByteBuffer clsactQdisc(int type, int flags, int ifindex) {
        ByteBuffer m = NetlinkSocket.message(type, flags, 64);
        putTcmsg(m, ifindex, CLSACT_HANDLE, TC_H_CLSACT, 0);
        putAttrString(m, TCA_KIND, "clsact");
        return m;
    }

    /**
     * RTM_NEWTFILTER for a cls_bpf filter in direct-action mode: program {@code progFd} named
     * {@code name} (what {@code tc filter show} prints) at {@code priority} and {@code handle}
     * (0: the kernel picks) under {@code parent}. {@code flags} say create (EXCL), create-or-replace
     * (CREATE|REPLACE) or replace only (REPLACE).
     */
    public static ByteBuffer bpfFilter(int flags, int ifindex, int parent, int priority, int handle, int progFd,
                                       String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer m = NetlinkSocket.message(RTM_NEWTFILTER, flags, 96 + n.length);
        putTcmsg(m, ifindex, handle, parent, filterInfo(priority));
        putAttrString(m, TCA_KIND, "bpf");
        int nest = NetlinkSocket.beginNested(m, TCA_OPTIONS);
        NetlinkSocket.putAttrInt(m, TCA_BPF_FD, progFd);
        putAttrString(m, TCA_BPF_NAME, name);
        NetlinkSocket.putAttrInt(m, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
        NetlinkSocket.endNested(m, nest);
        return m;
    }

    /** RTM_DELTFILTER of the bpf filter at {@code priority}/{@code handle} under {@code parent}. */
    public static ByteBuffer deleteFilter(int flags, int ifindex, int parent, int priority, int handle) {
        ByteBuffer m = NetlinkSocket.message(RTM_DELTFILTER, flags, 64);
        putTcmsg(m, ifindex, handle, parent, filterInfo(priority));
        putAttrString(m, TCA_KIND, "bpf");
        return m;
    }

    /** RTM_GETTFILTER dump of every filter under {@code parent} of {@code ifindex}. */
    public static ByteBuffer dumpFilters(int ifindex, int parent) {
        ByteBuffer m = NetlinkSocket.message(RTM_GETTFILTER, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_DUMP, 64);
        putTcmsg(m, ifindex, 0, parent, 0);
        return m;
    }

    /**
     * RTM_NEWACTION of a bpf action without options: the kernel loads the action module before it
     * reads any option, so this fails with ENOENT ("Failed to load TC action module") when act_bpf
     * is absent, and with EINVAL (nothing created) when it is there. A side-effect-free probe.
     */
    public static ByteBuffer probeActBpf() {
        ByteBuffer m = NetlinkSocket.message(RTM_NEWACTION, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK
                | NLM_F_CREATE | NLM_F_EXCL, 64);
        m.put((byte) 0).put((byte) 0).putShort((short) 0); // struct tcamsg
        int tab = NetlinkSocket.beginNested(m, TCA_ACT_TAB);
        int first = NetlinkSocket.beginNested(m, 1);
        putAttrString(m, TCA_ACT_KIND, "bpf");
        NetlinkSocket.endNested(m, first);
        NetlinkSocket.endNested(m, tab);
        return m;
    }

    /**
     * One filter of a dump (RTM_NEWTFILTER): where it is, its kind, and for a bpf filter the name,
     * program id and tag (hex) and its TCA_BPF_FLAGS.
     */
    public record Filter(int ifindex, int parent, int priority, int handle, String kind, int chain, String name,
                         int progId, String tag, int bpfFlags) {
    }

    /**
     * The filters in RTM_NEWTFILTER messages (payloads, as {@link NetlinkSocket#request} returns
     * them). The chain-head entries the kernel sends first for each priority (handle 0, no
     * options) are skipped: they are no filters.
     */
    public static List<Filter> parseFilters(List<ByteBuffer> replies) {
        List<Filter> out = new ArrayList<>();
        for (ByteBuffer r : replies) {
            if (r.limit() < TCMSG_SIZE) {
                continue;
            }
            int ifindex = r.getInt(4);
            int handle = r.getInt(8);
            int parent = r.getInt(12);
            int info = r.getInt(16);
            String[] kind = {null};
            String[] name = {null};
            String[] tag = {null};
            int[] ints = new int[4]; // chain, prog id, bpf flags, has options
            NetlinkSocket.forEachAttr(r, TCMSG_SIZE, r.limit(), (type, at, len) -> {
                switch (type) {
                    case TCA_KIND -> kind[0] = string(r, at, len);
                    case TCA_CHAIN -> ints[0] = r.getInt(at);
                    case TCA_OPTIONS -> {
                        ints[3] = 1;
                        NetlinkSocket.forEachAttr(r, at, at + len, (t, a, l) -> {
                            switch (t) {
                                case TCA_BPF_NAME -> name[0] = string(r, a, l);
                                case TCA_BPF_ID -> ints[1] = r.getInt(a);
                                case TCA_BPF_FLAGS -> ints[2] = r.getInt(a);
                                case TCA_BPF_TAG -> {
                                    byte[] b = new byte[l];
                                    r.get(a, b);
                                    tag[0] = HexFormat.of().formatHex(b);
                                }
                                default -> {
                                }
                            }
                        });
                    }
                    default -> {
                    }
                }
            });
            if (handle == 0 && ints[3] == 0) {
                continue; // the chain head of a priority
            }
            out.add(new Filter(ifindex, parent, info >>> 16, handle, kind[0], ints[0], name[0], ints[1], tag[0], ints[2]));
        }
        return out;
    }

    private static void putTcmsg(ByteBuffer m, int ifindex, int handle, int parent, int info) {
        m.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(ifindex).putInt(handle).putInt(parent).putInt(info);
    }

    /** A NUL-terminated string attribute, padded to 4 bytes. */
    private static void putAttrString(ByteBuffer m, int type, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        int len = 4 + b.length + 1;
        m.putShort((short) len).putShort((short) type).put(b).put((byte) 0);
        for (int i = len; i < NetlinkSocket.align4(len); i++) {
            m.put((byte) 0);
        }
    }

    private static String string(ByteBuffer r, int at, int len) {
        int end = at;
        while (end < at + len && r.get(end) != 0) {
            end++;
        }
        byte[] s = new byte[end - at];
        r.get(at, s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
