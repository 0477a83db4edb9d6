package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.NetCalls;
import io.jbpf.uapi.ProgType;
import java.nio.channels.NetworkChannel;
import java.nio.file.Path;

/**
 * A socket filter program ({@code SEC("socket")}, BPF_PROG_TYPE_SOCKET_FILTER) attached to one
 * socket with {@code setsockopt(SO_ATTACH_BPF)}: the program sees every packet the socket
 * receives, and what it returns is how many bytes of it the socket keeps (0 drops it). The filter
 * belongs to the socket, not to this object: {@link #close()} detaches it (SO_DETACH_BPF), and
 * closing the socket drops it too. There is no bpf_link behind it, so it cannot be pinned.
 * Thread-safe.
 */
public final class SocketFilter extends SocketAttachment {
    private SocketFilter(int fd, long cookie, String socket, int progId) {
        super(fd, cookie, socket, progId);
    }

    /** Attaches {@code prog} to the socket of {@code channel} (its fd found with {@link Sockets#fd}). */
    public static SocketFilter attach(BpfProgram prog, NetworkChannel channel) {
        int fd = Sockets.fd(channel);
        return attach(prog, fd, "socket " + channel + " (fd " + fd + ")");
    }

    /** Attaches {@code prog} to the socket {@code socketFd} (a socket opened outside Java, or any other). */
    public static SocketFilter attach(BpfProgram prog, int socketFd) {
        return attach(prog, socketFd, "socket fd " + socketFd);
    }

    private static SocketFilter attach(BpfProgram prog, int fd, String socket) {
        String what = "attach socket filter " + prog.name() + " to " + socket;
        checkType(prog, what);
        long cookie = cookie(fd, what);
        set(fd, prog, what);
        return new SocketFilter(fd, cookie, socket, prog.id());
    }

    private static void checkType(BpfProgram prog, String what) {
        if (prog.type() != ProgType.SOCKET_FILTER) {
            throw new BpfException(what + ": program " + prog.name() + " is " + prog.type().kernelName()
                    + "; SO_ATTACH_BPF takes only BPF_PROG_TYPE_SOCKET_FILTER programs (section \"socket\")");
        }
    }

    /**
     * Refused: a socket filter is held by its socket, with no bpf_link to pin; it lasts as long as
     * the socket. Socket hooks that can be pinned are the sockmap links ({@link SockmapAttachment}).
     */
    @Override
    public void pin(Path path) {
        throw new BpfException("pin socket filter (program id " + progId + ") on " + socket + " at " + path
                + ": a filter attached with SO_ATTACH_BPF belongs to its socket and has no bpf_link to pin; it lasts "
                + "as long as the socket (SockmapAttachment attaches socket programs through pinnable links)");
    }

    @Override
    public String toString() {
        return "SocketFilter[" + socket + ", prog " + progId + "]";
    }

    @Override
    void requireType(BpfProgram program, String what) {
        checkType(program, what);
    }

    @Override
    String noun() {
        return "socket filter";
    }

    @Override
    int detachOption() {
        return NetCalls.SO_DETACH_BPF;
    }

    @Override
    String detachOptionName() {
        return "SO_DETACH_BPF";
    }

    @Override
    String socketGoneSuffix() {
        return ", and its filter went with it";
    }

    @Override
    void set(BpfProgram program, String what) {
        set(fd, program, what);
    }

    private static void set(int fd, BpfProgram prog, String what) {
        int r = Sockets.setIntOption(fd, NetCalls.SO_ATTACH_BPF, prog.fd());
        if (r < 0) {
            throw new BpfException(what + " (SO_ATTACH_BPF)", -r);
        }
    }
}
