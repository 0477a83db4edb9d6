package io.jbpf.link;

import io.jbpf.KernelInfo;
import java.nio.file.Path;

/**
 * What every attachment backed by a kernel bpf_link has in common: the link's fd and pin
 * ({@link LinkFd}), its info, pinning and unpinning, and closing it. Each hook's class adds how
 * it attaches, what it reports and what {@link #update} means there.
 */
abstract class KernelLink implements Link {
    final LinkFd link;

    KernelLink(LinkFd link) {
        this.link = link;
    }

    @Override
    public KernelInfo.Link info() {
        return link.info();
    }

    @Override
    public void pin(Path path) {
        link.pin(path);
    }

    @Override
    public void unpin() {
        link.unpin();
    }

    /** Closes the link's fd, which detaches the program unless the link is pinned. */
    @Override
    public void close() {
        link.close();
    }
}
