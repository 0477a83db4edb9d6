package io.jbpf.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Open file descriptors of this JVM, from /proc/self/fd, as leak checks need them: the JVM's
 * own threads open and close files now and then (its container support reads cgroup files such
 * as memory.stat), so fds on files under /sys/fs/cgroup and /proc, and fds gone by the time they
 * are looked at, are not counted. jbpf's own fds (bpf objects, sockets, perf events) always are.
 */
public final class Fds {
    private Fds() {
    }

    public static int count() {
        String[] fds = new File("/proc/self/fd").list();
        if (fds == null) {
            return -1;
        }
        int n = 0;
        for (String fd : fds) {
            String target;
            try {
                target = Files.readSymbolicLink(Path.of("/proc/self/fd", fd)).toString();
            } catch (IOException e) {
                continue; // closed meanwhile: the directory listing's own fd, or a transient one
            }
            if (!target.startsWith("/sys/fs/cgroup/") && !target.startsWith("/proc/")) {
                n++;
            }
        }
        return n;
    }
}
