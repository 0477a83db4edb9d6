package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.LinkType;

/**
 * What a program set on a socket with setsockopt has, whatever the option (SO_ATTACH_BPF,
 * SO_ATTACH_REUSEPORT_EBPF): the socket's fd and its SO_COOKIE, to tell that socket from a later
 * one reusing the fd number; the program it runs; update by setting the option again; detach on
 * close unless the socket is gone already. No bpf_link is behind it, so it cannot be pinned.
 * Thread-safe.
 */
abstract class SocketAttachment implements Link {
    final int fd;
    final String socket;
    private final long cookie;
    int progId;
    private boolean closed;

    SocketAttachment(int fd, long cookie, String socket, int progId) {
        this.fd = fd;
        this.cookie = cookie;
        this.socket = socket;
        this.progId = progId;
    }

    /** The SO_COOKIE of socket {@code fd}, or a BpfException (ENOTSOCK) when it is no open socket. */
    static long cookie(int fd, String what) {
        long cookie = Sockets.cookie(fd);
        if (cookie < 0) {
            throw new BpfException(what + ": fd " + fd + " is not an open socket", Errno.ENOTSOCK);
        }
        return cookie;
    }

    /** What the program is called in messages: "socket filter". */
    abstract String noun();

    /** Fails unless {@code program} is of the type the option takes. */
    abstract void requireType(BpfProgram program, String what);

    /** Sets the option that attaches {@code program} to the socket. */
    abstract void set(BpfProgram program, String what);

    /** The option that detaches the program, and its kernel name. */
    abstract int detachOption();

    abstract String detachOptionName();

    /** What is added to the message when the socket has gone since the attachment. */
    String socketGoneSuffix() {
        return "";
    }

    /** The socket's fd. */
    public int socketFd() {
        return fd;
    }

    /**
     * What jbpf knows of the attachment, since it is no kernel link: {@code id} 0, {@code type}
     * {@link LinkType#UNSPEC}, {@code progId} the program attached by this object (or put in place
     * by {@link #update}), 0 once closed.
     */
    @Override
    public synchronized KernelInfo.Link info() {
        return new KernelInfo.Link(0, LinkType.UNSPEC, closed ? 0 : progId, 0, null);
    }

    /** Nothing to do: a program set on a socket is never pinned. */
    @Override
    public void unpin() {
    }

    /** {@inheritDoc} The option again, which swaps the socket's program in one step. */
    @Override
    public synchronized void update(BpfProgram program) {
        String what = "replace " + noun() + " on " + socket + " with program " + program.name();
        requireType(program, what);
        if (closed) {
            throw new BpfException(what + ": the attachment is closed");
        }
        if (Sockets.cookie(fd) != cookie) {
            throw new BpfException(what + ": the socket was closed (fd " + fd + " is no longer that socket)"
                    + socketGoneSuffix());
        }
        set(program, what);
        progId = program.id();
    }

    /**
     * Detaches the program. When the socket is gone already (its fd closed, or reused by another
     * socket, told apart by SO_COOKIE) there is nothing to detach, and nothing is done.
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
        int r = Sockets.setIntOption(fd, detachOption(), 0);
        if (r < 0 && r != -Errno.ENOENT) { // ENOENT: someone detached it already
            throw new BpfException("detach " + noun() + " from " + socket + " (" + detachOptionName() + ")", -r);
        }
    }
}
