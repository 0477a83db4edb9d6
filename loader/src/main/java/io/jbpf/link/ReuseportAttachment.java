package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.NetCalls;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.ProgType;
import java.nio.channels.NetworkChannel;
import java.nio.file.Path;

/**
 * An {@code sk_reuseport} program (BPF_PROG_TYPE_SK_REUSEPORT) attached to an SO_REUSEPORT group
 * of sockets with {@code setsockopt(SO_ATTACH_REUSEPORT_EBPF)} on one of them: for each new
 * connection or datagram the program picks the group's socket ({@code bpf_sk_select_reuseport}
 * with a REUSEPORT_SOCKARRAY map), instead of the kernel's hash. The program belongs to the group:
 * {@link #close()} detaches it (SO_DETACH_REUSEPORT_BPF), and closing every socket of the group
 * drops it too. There is no bpf_link behind it, so it cannot be pinned. Thread-safe.
 */
public final class ReuseportAttachment extends SocketAttachment {
    private ReuseportAttachment(int fd, long cookie, String socket, int progId) {
        super(fd, cookie, socket, progId);
    }

    /**
     * Attaches {@code prog} to the reuseport group of {@code channel}, which must have
     * SO_REUSEPORT set (StandardSocketOptions.SO_REUSEPORT) and be bound.
     */
    public static ReuseportAttachment attach(BpfProgram prog, NetworkChannel channel) {
        int fd = Sockets.fd(channel);
        return attach(prog, fd, "socket " + channel + " (fd " + fd + ")");
    }

    /** Attaches {@code prog} to the reuseport group of socket {@code socketFd}. */
    public static ReuseportAttachment attach(BpfProgram prog, int socketFd) {
        return attach(prog, socketFd, "socket fd " + socketFd);
    }

    private static ReuseportAttachment attach(BpfProgram prog, int fd, String socket) {
        String what = "attach reuseport program " + prog.name() + " to the SO_REUSEPORT group of " + socket;
        checkType(prog, what);
        long cookie = cookie(fd, what);
        set(fd, prog, what);
        return new ReuseportAttachment(fd, cookie, socket, prog.id());
    }

    private static void set(int fd, BpfProgram prog, String what) {
        int r = Sockets.setIntOption(fd, NetCalls.SO_ATTACH_REUSEPORT_EBPF, prog.fd());
        if (r == -Errno.EINVAL) {
            throw new BpfException(what + " (SO_ATTACH_REUSEPORT_EBPF): the socket has no SO_REUSEPORT group (set "
                    + "SO_REUSEPORT before binding it), or the program does not fit the socket's protocol", -r);
        }
        if (r < 0) {
            throw new BpfException(what + " (SO_ATTACH_REUSEPORT_EBPF)", -r);
        }
    }

    private static void checkType(BpfProgram prog, String what) {
        if (prog.type() != ProgType.SK_REUSEPORT) {
            throw new BpfException(what + ": program " + prog.name() + " is " + prog.type().kernelName()
                    + "; SO_ATTACH_REUSEPORT_EBPF takes only BPF_PROG_TYPE_SK_REUSEPORT programs (section \"sk_reuseport\")");
        }
    }

    /** Refused: the program belongs to the socket group, with no bpf_link to pin; it lasts as long as the group. */
    @Override
    public void pin(Path path) {
        throw new BpfException("pin reuseport program (id " + progId + ") on " + socket + " at " + path
                + ": a program attached with SO_ATTACH_REUSEPORT_EBPF belongs to its SO_REUSEPORT group and has no "
                + "bpf_link to pin; it lasts as long as the group's sockets (SockmapAttachment attaches socket "
                + "programs through pinnable links)");
    }

    @Override
    public String toString() {
        return "ReuseportAttachment[" + socket + ", prog " + progId + "]";
    }

    @Override
    void requireType(BpfProgram program, String what) {
        checkType(program, what);
    }

    @Override
    String noun() {
        return "reuseport program";
    }

    @Override
    int detachOption() {
        return NetCalls.SO_DETACH_REUSEPORT_BPF;
    }

    @Override
    String detachOptionName() {
        return "SO_DETACH_REUSEPORT_BPF";
    }

    @Override
    void set(BpfProgram program, String what) {
        set(fd, program, what);
    }
}
