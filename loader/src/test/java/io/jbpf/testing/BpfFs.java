package io.jbpf.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** A fresh directory in /sys/fs/bpf for one test's pins, removed with everything in it on close. */
public final class BpfFs implements AutoCloseable {
    public final Path dir;

    public BpfFs() {
        dir = Path.of("/sys/fs/bpf/jbpf_t" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 24)));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new AssertionError("cannot create " + dir + " (is bpffs mounted on /sys/fs/bpf?)", e);
        }
    }

    @Override
    public void close() {
        Sh.run("rm", "-rf", dir.toString());
    }
}
