package io.jbpf.internal.sys;

import io.jbpf.common.BpfException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs code in another network namespace without touching the caller's: network namespaces are
 * per thread, so a fresh thread joins the namespace with setns(2), runs the code and ends. What it
 * creates there (a netfilter link, a netlink socket) keeps its namespace after the thread is gone.
 */
public final class InNetns {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final Native.Function SETNS = Native.function("setns", Native.Returns.INT, 2);

    private InNetns() {
    }

    /** {@code body}'s result, computed on a thread in the namespace of file {@code netns}; {@code what} names the operation. */
    public static <T> T call(Path netns, String what, Supplier<T> body) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            int fd = LibC.open(netns.toString(), LibC.O_RDONLY_CLOEXEC);
            if (fd < 0) {
                failure.set(new BpfException(what + ": cannot open network namespace " + netns, Native.errno()));
                return;
            }
            try {
                if (SETNS.call(fd, CLONE_NEWNET) != 0) {
                    failure.set(new BpfException(what + ": cannot enter network namespace " + netns
                            + " (setns; is it a /run/netns/NAME or /proc/PID/ns/net file?)", Native.errno()));
                    return;
                }
                result.set(body.get());
            } catch (RuntimeException e) {
                failure.set(e);
            } finally {
                Native.closeQuietly(fd);
            }
        }, "jbpf-netns");
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the thread does one short system call sequence: wait for it anyway
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }
}
