package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import java.nio.file.Path;

/**
 * A program attached to a kernel hook, whatever the hook: every attachment jbpf makes is one, so
 * code that keeps, pins, swaps or drops attachments needs no type per hook.
 *
 * <p>Most implementations hold a kernel bpf_link ({@link XdpBpfLink}, {@link TracepointLink}):
 * the attachment lasts while the link's fd is open or the link is pinned. {@link XdpLink} is an
 * XDP attachment made over netlink, which has no kernel link object; its methods say where that
 * makes a difference.
 */
public interface Link extends AutoCloseable {
    /**
     * What the kernel reports about this attachment now: for a bpf_link, BPF_OBJ_GET_INFO_BY_FD
     * on its fd (the ids {@code bpftool link show} prints).
     */
    KernelInfo.Link info();

    /**
     * Pins the link at {@code path} in bpffs (BPF_OBJ_PIN), so that the attachment outlives this
     * object and the process: {@link #close()} then leaves the program attached, and removing
     * the pin (with {@link #unpin()}, or {@code rm}) once no fd is left detaches it.
     */
    void pin(Path path);

    /** Removes the pin {@link #pin} made; nothing happens when the link is not pinned. */
    void unpin();

    /**
     * Makes the hook run {@code program} instead (BPF_LINK_UPDATE): the swap is atomic, no
     * packet or event passes the hook without a program. A hook where the kernel cannot swap
     * programs throws a {@link io.jbpf.common.BpfException} that says so and what to do instead.
     */
    void update(BpfProgram program);

    /** Releases the attachment: the program is detached unless the link is pinned. */
    @Override
    void close();
}
