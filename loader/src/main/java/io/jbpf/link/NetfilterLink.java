package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfAttr;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.InNetns;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.ProgType;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A netfilter program ({@code SEC("netfilter")}, BPF_PROG_TYPE_NETFILTER) hooked into netfilter
 * through a bpf_link ({@code BPF_LINK_CREATE} with attach type BPF_NETFILTER, Linux 6.4+ with
 * CONFIG_NETFILTER_BPF_LINK): it runs at one hook of one protocol family, among the iptables and
 * nftables chains by priority, and returns NF_DROP (0) or NF_ACCEPT (1). A netfilter link acts on
 * one network namespace: the calling thread's, or the one named by path. The attachment lasts while
 * this is open or pinned. The kernel cannot swap a netfilter link's program: {@link #update} is
 * refused. Thread-safe.
 */
public final class NetfilterLink extends KernelLink {
    /** The protocol family ({@code NFPROTO_*} of linux/netfilter.h). */
    public enum Protocol {
        IPV4(2), IPV6(10);

        final int value;

        Protocol(int value) {
            this.value = value;
        }
    }

    /** The netfilter hook ({@code enum nf_inet_hooks} of linux/netfilter.h). */
    public enum Hook {
        PRE_ROUTING, LOCAL_IN, FORWARD, LOCAL_OUT, POST_ROUTING
    }

    /** Flags of a netfilter link. */
    public enum Flag {
        /** BPF_F_NETFILTER_IP_DEFRAG: the program sees whole datagrams, reassembled before the hook. */
        IP_DEFRAG(1);

        final int bit;

        Flag(int bit) {
            this.bit = bit;
        }
    }

    /**
     * Where the program runs: {@code protocol} and {@code hook}, and {@code priority} among the
     * hook's other functions (lower runs first; iptables' filter table is 0, conntrack -200;
     * Integer.MIN_VALUE and MAX_VALUE are reserved by the kernel).
     */
    public record Options(Protocol protocol, Hook hook, int priority, Set<Flag> flags) {
        /** Checks the options the kernel would refuse, so the error names them. */
        public Options {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(hook, "hook");
            flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
            if (priority == Integer.MIN_VALUE || priority == Integer.MAX_VALUE) {
                throw new BpfException("netfilter priority " + priority + " is reserved by the kernel "
                        + "(NF_IP_PRI_FIRST/LAST); use a value between them", Errno.ERANGE);
            }
        }

        /** {@code protocol}, {@code hook} and {@code priority}, without flags. */
        public Options(Protocol protocol, Hook hook, int priority) {
            this(protocol, hook, priority, Set.of());
        }

        int flagBits() {
            int bits = 0;
            for (Flag f : flags) {
                bits |= f.bit;
            }
            return bits;
        }
    }

    private final Options options;
    private final String where;
    private final int id;

    private NetfilterLink(Options options, String where, int id, LinkFd link) {
        super(link);
        this.options = options;
        this.where = where;
        this.id = id;
    }

    /** Attaches {@code prog} at {@code options} in the calling thread's network namespace. */
    public static NetfilterLink attach(BpfProgram prog, Options options) {
        return create(prog, options, "this thread's network namespace");
    }

    /**
     * Attaches {@code prog} at {@code options} in the network namespace of file {@code netns}
     * ({@code /run/netns/NAME}, {@code /proc/PID/ns/net}); the caller's own namespace is left as it is.
     */
    public static NetfilterLink attach(BpfProgram prog, Options options, Path netns) {
        String where = "network namespace " + netns;
        return InNetns.call(netns, "attach netfilter program " + prog.name(), () -> create(prog, options, where));
    }

    private static NetfilterLink create(BpfProgram prog, Options o, String where) {
        String what = "netfilter program " + prog.name() + " at " + o.protocol() + "/" + o.hook() + " priority "
                + o.priority() + " in " + where;
        if (prog.type() != ProgType.NETFILTER) {
            throw new BpfException("attach " + what + ": the program is " + prog.type().kernelName()
                    + "; netfilter links take BPF_PROG_TYPE_NETFILTER programs (section \"netfilter\")");
        }
        int fd = BpfSyscall.linkCreateNetfilter(prog.fd(), o.protocol().value, o.hook().ordinal(), o.priority(),
                o.flagBits());
        if (fd < 0) {
            String why = switch (-fd) {
                case Errno.EINVAL -> ": this kernel has no netfilter links (Linux 6.4+ with CONFIG_NETFILTER_BPF_LINK), "
                        + "or the program was not loaded for them (expected attach type BPF_NETFILTER)";
                case Errno.EOPNOTSUPP -> ": this kernel does not support these flags " + o.flags();
                case Errno.EEXIST -> ": another netfilter program uses that hook and priority";
                default -> "";
            };
            throw new BpfException("attach " + what + why, -fd);
        }
        try {
            int id = KernelInfo.link(fd, what).id();
            return new NetfilterLink(o, where, id, new LinkFd(fd, "netfilter link " + id + " (" + what + ")", null));
        } catch (RuntimeException e) {
            Native.closeQuietly(fd);
            throw e;
        }
    }

    /** The options it was attached with. */
    public Options options() {
        return options;
    }

    /** The kernel's id of this link, as {@code bpftool link show} lists it. */
    public int id() {
        return id;
    }

    /** The protocol, hook, priority and flags as the kernel reports them for this link. */
    public Options kernelOptions() {
        NativeMemory info = Native.allocate(BpfAttr.LinkInfo.SIZE);
        int r = BpfSyscall.linkInfoSock(link.fd(), info);
        if (r < 0) {
            throw new BpfException("read netfilter link " + id, -r);
        }
        int pf = info.getInt(BpfAttr.LinkInfo.NETFILTER_PF);
        int hook = info.getInt(BpfAttr.LinkInfo.NETFILTER_HOOKNUM);
        int bits = info.getInt(BpfAttr.LinkInfo.NETFILTER_FLAGS);
        Protocol p = pf == Protocol.IPV6.value ? Protocol.IPV6 : Protocol.IPV4;
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        for (Flag f : Flag.values()) {
            if ((bits & f.bit) != 0) {
                flags.add(f);
            }
        }
        return new Options(p, Hook.values()[hook], info.getInt(BpfAttr.LinkInfo.NETFILTER_PRIORITY), flags);
    }

    /**
     * Refused by the kernel, which cannot swap the program of a netfilter link: the
     * {@link BpfException} says so. Attach the new program at another priority, then close this link.
     */
    @Override
    public void update(BpfProgram program) {
        int r = link.update(program);
        String w = "update netfilter link " + id + " in " + where + " to program " + program.name();
        if (r == -Errno.EOPNOTSUPP || r == -Errno.EINVAL) {
            throw new BpfException(w + ": the kernel cannot swap the program of a netfilter link; attach the new "
                    + "program with NetfilterLink.attach (another priority), then close this link", -r);
        }
        if (r < 0) {
            throw new BpfException(w, -r);
        }
    }

    @Override
    public String toString() {
        return "NetfilterLink[" + options.protocol() + "/" + options.hook() + " prio " + options.priority() + " in "
                + where + ", link " + id + "]";
    }
}
