package io.jbpf.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import jnr.ffi.LibraryLoader;

/**
 * Runs code in a named network namespace without leaving the JVM: a fresh thread joins the
 * namespace with setns(2) (network namespaces are per thread), runs the code, and ends. Sockets
 * and device lookups made there see only that namespace.
 */
public final class NetNs {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;

    /** The libc calls this helper needs beyond jbpf's own binding. */
    public interface Lib {
        int open(String path, int flags);

        int setns(int fd, int nstype);

        int close(int fd);
    }

    private static final Lib LIB = LibraryLoader.create(Lib.class).load("c");

    private NetNs() {
    }

    public static <T> T call(String netns, Callable<T> body) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            int fd = LIB.open("/run/netns/" + netns, O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                failure.set(new AssertionError("cannot open /run/netns/" + netns));
                return;
            }
            try {
                if (LIB.setns(fd, CLONE_NEWNET) != 0) {
                    failure.set(new AssertionError("setns into " + netns + " failed"));
                    return;
                }
                result.set(body.call());
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                LIB.close(fd);
            }
        }, "netns-" + netns);
        t.start();
        try {
            t.join(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (t.isAlive()) {
            throw new AssertionError("code in netns " + netns + " did not finish in 120 s");
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error err) {
            throw err;
        }
        if (f != null) {
            throw new AssertionError(f);
        }
        return result.get();
    }
}
