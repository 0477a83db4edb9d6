package io.jbpf.trace;

import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Epoll;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.uapi.Errno;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A reader of the kernel's trace pipe ({@code /sys/kernel/tracing/trace_pipe}), where
 * {@code bpf_printk} lines land: {@link #poll} waits for lines and hands each, parsed, to the
 * handler given at {@link #open} (as the ring and perf buffer readers do), as bcc's {@code trace_print()}/{@code trace_fields()} do. Reading consumes: the kernel
 * gives each line to one reader only, so two readers (or {@code cat trace_pipe}) split the lines.
 * Close it to close the pipe.
 */
public final class TracePipe implements AutoCloseable {
    private static final List<Path> PIPES = List.of(Path.of("/sys/kernel/tracing/trace_pipe"),
            Path.of("/sys/kernel/debug/tracing/trace_pipe"));
    private static final int O_NONBLOCK = 0x800;
    private static final int BUFFER = 64 * 1024;

    private final Path path;
    private final Consumer<TraceLine> handler;
    private final int fd;
    private final Epoll epoll;
    private final NativeMemory buffer = Native.allocate(BUFFER);
    /** The start of a line whose end has not been read yet. */
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private boolean closed;

    private TracePipe(Path path, Consumer<TraceLine> handler, int fd, Epoll epoll) {
        this.path = path;
        this.handler = handler;
        this.fd = fd;
        this.epoll = epoll;
    }

    /**
     * Opens the trace pipe of tracefs at /sys/kernel/tracing (or debugfs's tracing directory);
     * {@link #poll} hands its lines to {@code handler}.
     */
    public static TracePipe open(Consumer<TraceLine> handler) {
        java.util.Objects.requireNonNull(handler, "handler");
        Path path = PIPES.stream().filter(Files::exists).findFirst().orElseThrow(() -> new BpfException(
                "no trace pipe: tracefs is not mounted at /sys/kernel/tracing (mount -t tracefs tracefs /sys/kernel/tracing)"));
        int fd = LibC.open(path.toString(), LibC.O_RDONLY_CLOEXEC | O_NONBLOCK);
        if (fd < 0) {
            int errno = Native.errno();
            // the kernel lets one reader at a time have the pipe
            throw new BpfException("open " + path + (errno == Errno.EBUSY
                    ? ": another process is reading the trace pipe (cat, bpftool prog tracelog, jbpf run); only one reader at a time"
                    : " (reading bpf_printk output needs root)"), errno);
        }
        Epoll epoll = null;
        try {
            epoll = new Epoll(1);
            epoll.add(fd, Epoll.EPOLLIN, 0);
            return new TracePipe(path, handler, fd, epoll);
        } catch (RuntimeException e) {
            if (epoll != null) {
                epoll.close();
            }
            Native.closeQuietly(fd);
            throw e;
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (0: do not wait, -1: until a line comes) for lines, then
     * hands every complete line read to the handler (lines that are not trace lines, such as the
     * kernel's "LOST EVENTS" notes, are skipped). Returns how many lines were handed.
     */
    public int poll(int timeoutMillis) {
        if (closed) {
            throw new BpfException(path + ": the trace pipe reader is closed");
        }
        if (epoll.await(timeoutMillis) == 0) {
            return 0;
        }
        int handed = 0;
        while (true) {
            long n = LibC.read(fd, buffer, BUFFER);
            if (n < 0) {
                int errno = Native.errno();
                if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                    return handed;
                }
                throw new BpfException("read " + path, errno);
            }
            if (n == 0) {
                return handed;
            }
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buffer.getByte(i) == '\n') {
                    byte[] bytes = new byte[i - start];
                    buffer.get(start, bytes, 0, bytes.length);
                    partial.writeBytes(bytes);
                    String line = partial.toString(StandardCharsets.UTF_8);
                    partial.reset();
                    start = i + 1;
                    TraceLine parsed = TraceLine.parse(line).orElse(null);
                    if (parsed != null) {
                        handler.accept(parsed);
                        handed++;
                    }
                }
            }
            byte[] rest = new byte[(int) n - start];
            buffer.get(start, rest, 0, rest.length);
            partial.writeBytes(rest);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            epoll.close();
            Native.closeQuietly(fd);
        }
    }
}
