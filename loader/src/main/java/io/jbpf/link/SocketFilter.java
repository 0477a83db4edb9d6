package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.NetCalls;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.LinkType;
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
public final class SocketFilter implements Link {
    private final int fd;
    private final long cookie;
    private final String socket;
    private int progId;
    private boolean closed;

    private SocketFilter(int fd, long cookie, String socket, int progId) {
        this.fd = fd;
        this.cookie = cookie;
        this.socket = socket;
        this.progId = progId;
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
        requireType(prog, what);
        long cookie = Sockets.cookie(fd);
        if (cookie < 0) {
            throw new BpfException(what + ": fd " + fd + " is not an open socket", Errno.ENOTSOCK);
        }
        int r = Sockets.setIntOption(fd, NetCalls.SO_ATTACH_BPF, prog.fd());
        if (r < 0) {
            throw new BpfException(what + " (SO_ATTACH_BPF)", -r);
        }
        return new SocketFilter(fd, cookie, socket, prog.id());
    }

    private static void requireType(BpfProgram prog, String what) {
        if (prog.type() != ProgType.SOCKET_FILTER) {
            throw new BpfException(what + ": program " + prog.name() + " is " + prog.type().kernelName()
                    + "; SO_ATTACH_BPF takes only BPF_PROG_TYPE_SOCKET_FILTER programs (section \"socket\")");
        }
    }

    /** The socket's fd. */
    public int socketFd() {
        return fd;
    }

    /**
     * What jbpf knows of the attachment, since a socket filter is no kernel link: {@code id} 0,
     * {@code type} {@link LinkType#UNSPEC}, {@code progId} the program attached by this object
     * (or put in place by {@link #update}), 0 once closed.
     */
    @Override
    public synchronized KernelInfo.Link info() {
        return new KernelInfo.Link(0, LinkType.UNSPEC, closed ? 0 : progId, 0, null);
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

    /** Nothing to do: a socket filter is never pinned. */
    @Override
    public void unpin() {
    }

    /** {@inheritDoc} SO_ATTACH_BPF again, which swaps the socket's filter in one step. */
    @Override
    public synchronized void update(BpfProgram program) {
        String what = "replace socket filter on " + socket + " with program " + program.name();
        requireType(program, what);
        requireSameSocket(what);
        int r = Sockets.setIntOption(fd, NetCalls.SO_ATTACH_BPF, program.fd());
        if (r < 0) {
            throw new BpfException(what + " (SO_ATTACH_BPF)", -r);
        }
        progId = program.id();
    }

    private void requireSameSocket(String what) {
        if (closed) {
            throw new BpfException(what + ": the attachment is closed");
        }
        if (Sockets.cookie(fd) != cookie) {
            throw new BpfException(what + ": the socket was closed (fd " + fd + " is no longer that socket), and its "
                    + "filter went with it");
        }
    }

    /**
     * Detaches the filter (SO_DETACH_BPF). When the socket is gone already (its fd closed, or
     * reused by another socket, told apart by SO_COOKIE) there is nothing to detach, and nothing is done.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Sockets.cookie(fd) != cookie) {
            return;
        }
        int r = Sockets.setIntOption(fd, NetCalls.SO_DETACH_BPF, 0);
        if (r < 0 && r != -Errno.ENOENT) { // ENOENT: someone detached it already
            throw new BpfException("detach socket filter from " + socket + " (SO_DETACH_BPF)", -r);
        }
    }

    @Override
    public String toString() {
        return "SocketFilter[" + socket + ", prog " + progId + "]";
    }
}
