package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.internal.sys.BpfAttr.LinkCreate;

/**
 * Where a new TCX program goes in the device's list, which the kernel runs in order until one
 * returns something other than TCX_NEXT: {@link #LAST} (the default), {@link #FIRST}, or right
 * before or after a program or link already attached in the same direction.
 */
public final class TcxPosition {
    /** After every program attached now. */
    public static final TcxPosition LAST = new TcxPosition(0, null, null, "last");
    /** Before every program attached now (BPF_F_BEFORE without a relative). */
    public static final TcxPosition FIRST = new TcxPosition(LinkCreate.BPF_F_BEFORE, null, null, "first");

    private final int flags;
    private final BpfProgram program;
    private final TcxLink link;
    private final String description;

    private TcxPosition(int flags, BpfProgram program, TcxLink link, String description) {
        this.flags = flags;
        this.program = program;
        this.link = link;
        this.description = description;
    }

    /** Right before {@code program}, which must be attached in the same direction of the same device. */
    public static TcxPosition before(BpfProgram program) {
        return new TcxPosition(LinkCreate.BPF_F_BEFORE, program, null, "before program " + program.name());
    }

    /** Right after {@code program}, which must be attached in the same direction of the same device. */
    public static TcxPosition after(BpfProgram program) {
        return new TcxPosition(LinkCreate.BPF_F_AFTER, program, null, "after program " + program.name());
    }

    /** Right before the program of {@code link}, a TCX link on the same device and direction. */
    public static TcxPosition before(TcxLink link) {
        return new TcxPosition(LinkCreate.BPF_F_BEFORE | LinkCreate.BPF_F_LINK, null, link, "before link " + link.id());
    }

    /** Right after the program of {@code link}, a TCX link on the same device and direction. */
    public static TcxPosition after(TcxLink link) {
        return new TcxPosition(LinkCreate.BPF_F_AFTER | LinkCreate.BPF_F_LINK, null, link, "after link " + link.id());
    }

    /** BPF_F_BEFORE/AFTER, with BPF_F_LINK when the relative is a link. */
    int flags() {
        return flags;
    }

    /** The fd of the relative program or link, read at attach time; 0 for none. */
    int relativeFd() {
        if (program != null) {
            return program.fd();
        }
        return link != null ? link.fd() : 0;
    }

    /** True when the position names a program or link that must be attached already. */
    boolean hasRelative() {
        return program != null || link != null;
    }

    /** {@code first}, {@code last}, {@code before program tc_drop} ... */
    @Override
    public String toString() {
        return description;
    }
}
