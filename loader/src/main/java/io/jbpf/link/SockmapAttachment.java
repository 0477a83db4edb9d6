package io.jbpf.link;

import io.jbpf.BpfMap;
import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfAttr;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.spec.SectionDef;
import io.jbpf.spec.SectionNames;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.ProgType;

/**
 * An {@code sk_skb} or {@code sk_msg} program attached to a sockmap or sockhash through a
 * bpf_link ({@code BPF_LINK_CREATE} with the map's fd as target, link type BPF_LINK_TYPE_SOCKMAP,
 * Linux 6.10+): it then runs for the sockets in that map, on the data they receive
 * ({@link Hook#STREAM_PARSER}, {@link Hook#STREAM_VERDICT}, {@link Hook#SKB_VERDICT}) or send
 * ({@link Hook#MSG_VERDICT}), and can redirect it to another socket of the map. Put sockets in the
 * map as values (their fds, {@link Sockets#fd}) with {@link BpfMap#update}, after attaching: the
 * kernel gives a socket the map's programs when it is added, so sockets added before keep running
 * none (and ones added before an {@link #update} keep the old program). The attachment lasts
 * while this is open or pinned; it can be pinned and updated like any bpf_link. Thread-safe.
 */
public final class SockmapAttachment extends KernelLink {
    /** Where on a sockmap the program runs: the attach types a sockmap link takes. */
    public enum Hook {
        /** {@code sk_skb/stream_parser}: tells where each message of a TCP stream ends. */
        STREAM_PARSER(AttachType.SK_SKB_STREAM_PARSER, ProgType.SK_SKB),
        /** {@code sk_skb/stream_verdict}: passes, drops or redirects each received message (with a parser). */
        STREAM_VERDICT(AttachType.SK_SKB_STREAM_VERDICT, ProgType.SK_SKB),
        /** {@code sk_skb/verdict}: as STREAM_VERDICT, for each skb, without a parser; excludes STREAM_VERDICT. */
        SKB_VERDICT(AttachType.SK_SKB_VERDICT, ProgType.SK_SKB),
        /** {@code sk_msg}: passes, drops or redirects each message the map's sockets send. */
        MSG_VERDICT(AttachType.SK_MSG_VERDICT, ProgType.SK_MSG);

        final AttachType attachType;
        final ProgType progType;

        Hook(AttachType attachType, ProgType progType) {
            this.attachType = attachType;
            this.progType = progType;
        }

        static Hook of(AttachType t) {
            for (Hook h : values()) {
                if (h.attachType == t) {
                    return h;
                }
            }
            return null;
        }
    }

    private final String what;
    private final Hook hook;
    private final int id;

    private SockmapAttachment(String what, Hook hook, int id, LinkFd link) {
        super(link);
        this.what = what;
        this.hook = hook;
        this.id = id;
    }

    /**
     * Attaches {@code prog} to {@code map} at the hook its section names: {@code sk_msg},
     * {@code sk_skb/stream_parser}, {@code sk_skb/stream_verdict} or {@code sk_skb/verdict}.
     */
    public static SockmapAttachment attach(BpfProgram prog, BpfMap map) {
        String sec = prog.section();
        Hook hook = sec == null ? null
                : SectionNames.classify(sec).map(SectionDef::expectedAttach).map(Hook::of).orElse(null);
        if (hook == null) {
            throw new BpfException("program " + prog.name() + " (section " + sec + ") does not name a sockmap hook: "
                    + "use section sk_msg, sk_skb/stream_parser, sk_skb/stream_verdict or sk_skb/verdict, or pass "
                    + "the SockmapAttachment.Hook");
        }
        return attach(prog, map, hook);
    }

    /** Attaches {@code prog} to sockmap or sockhash {@code map} at {@code hook}. */
    public static SockmapAttachment attach(BpfProgram prog, BpfMap map, Hook hook) {
        String what = hook.attachType.kernelName() + " program " + prog.name() + " on map " + map.name();
        if (prog.type() != hook.progType) {
            throw new BpfException("attach " + what + ": the program is " + prog.type().kernelName() + ", and "
                    + hook.attachType.kernelName() + " takes " + hook.progType.kernelName() + " programs");
        }
        if (map.type() != MapType.SOCKMAP && map.type() != MapType.SOCKHASH) {
            throw new BpfException("attach " + what + ": the map is " + map.type().kernelName()
                    + "; sk_skb and sk_msg programs attach to BPF_MAP_TYPE_SOCKMAP or BPF_MAP_TYPE_SOCKHASH maps");
        }
        int fd = BpfSyscall.linkCreate(prog.fd(), map.fd(), hook.attachType.value, 0);
        if (fd < 0) {
            throw new BpfException("attach " + what + " through a sockmap link" + reason(-fd), -fd);
        }
        try {
            int id = KernelInfo.link(fd, what).id();
            return new SockmapAttachment(what, hook, id, new LinkFd(fd, "sockmap link " + id + " (" + what + ")", null));
        } catch (RuntimeException e) {
            Native.closeQuietly(fd);
            throw e;
        }
    }

    private static String reason(int errno) {
        return switch (errno) {
            case Errno.EBUSY -> ": a link already holds that hook of the map (close or update it), or the map has "
                    + "the other of STREAM_VERDICT and SKB_VERDICT, which exclude each other";
            case Errno.EINVAL -> ": the kernel refused the attach type for this map; sockmap links need Linux 6.10 "
                    + "or newer";
            default -> "";
        };
    }

    /** The hook the program runs at. */
    public Hook hook() {
        return hook;
    }

    /** The kernel's id of this link, as {@code bpftool link show} lists it. */
    public int id() {
        return id;
    }

    /** The id of the map the program is attached to, as the kernel reports it now (0 once detached). */
    public int mapId() {
        NativeMemory info = Native.allocate(BpfAttr.LinkInfo.SIZE);
        int r = BpfSyscall.linkInfoSock(link.fd(), info);
        if (r < 0) {
            throw new BpfException("read sockmap link " + id, -r);
        }
        return info.getInt(BpfAttr.LinkInfo.MAP_ID);
    }

    /** {@inheritDoc} The new program must be of the same type as the old one. */
    @Override
    public void update(BpfProgram program) {
        int r = link.update(program);
        if (r < 0) {
            String w = "update sockmap link " + id + " (" + what + ") to program " + program.name();
            if (r == -Errno.EINVAL && program.type() != hook.progType) {
                throw new BpfException(w + ": it is " + program.type().kernelName() + ", and the link runs "
                        + hook.progType.kernelName() + " programs", -r);
            }
            throw new BpfException(w, -r);
        }
    }

    @Override
    public String toString() {
        return "SockmapAttachment[" + what + ", link " + id + "]";
    }
}
