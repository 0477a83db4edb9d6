package io.jbpf.testing;

import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

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
    private static final Native.Function OPEN = Native.function("open", Native.Returns.INT, 2);
    private static final Native.Function SETNS = Native.function("setns", Native.Returns.INT, 2);

    private NetNs() {
    }

    public static <T> T call(String netns, Callable<T> body) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            NativeMemory path = Native.cString("/run/netns/" + netns);
            int fd = (int) OPEN.call(path.address(), O_RDONLY | O_CLOEXEC);
            java.lang.ref.Reference.reachabilityFence(path);
            if (fd < 0) {
                failure.set(new AssertionError("cannot open /run/netns/" + netns));
                return;
            }
            try {
                if (SETNS.call(fd, CLONE_NEWNET) != 0) {
                    failure.set(new AssertionError("setns into " + netns + " failed"));
                    return;
                }
                result.set(body.call());
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                LibC.close(fd);
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
