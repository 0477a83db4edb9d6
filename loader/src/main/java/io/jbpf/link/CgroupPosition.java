package io.jbpf.link;

import io.jbpf.BpfProgram;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfAttr.LinkCreate;

/**
 * Where a new program goes in a cgroup hook's list, which runs in order (the ancestors' lists
 * first): {@link #LAST} (the default), {@link #FIRST}, or right before or after a program already
 * attached at the same hook of the same cgroup; optionally only if the hook is still at a revision
 * read with {@link CgroupQuery#order} ({@link #atRevision}). Linux 6.18 orders cgroup programs
 * this way (the multi-program API TCX has, BPF_F_BEFORE/BPF_F_AFTER); older kernels refuse every
 * position but {@link #LAST} without a revision.
 *
 * <p>The kernel places a program relative only to one attached the same way: a {@link CgroupLink}
 * relative to another cgroup link ({@link #before(CgroupLink)}), a {@link CgroupAttachment} (in
 * {@link CgroupAttachMode#MULTI} mode) relative to a program attached with BPF_PROG_ATTACH
 * ({@link #before(BpfProgram)}). Thread-safe (immutable).
 */
public final class CgroupPosition {
    /** After every program attached now. */
    public static final CgroupPosition LAST = new CgroupPosition(0, null, null, 0, "last");
    /** Before every program attached now (BPF_F_BEFORE without a relative). */
    public static final CgroupPosition FIRST = new CgroupPosition(LinkCreate.BPF_F_BEFORE, null, null, 0, "first");

    private final int flags;
    private final BpfProgram program;
    private final CgroupLink link;
    private final long expectedRevision;
    private final String description;

    private CgroupPosition(int flags, BpfProgram program, CgroupLink link, long expectedRevision, String description) {
        this.flags = flags;
        this.program = program;
        this.link = link;
        this.expectedRevision = expectedRevision;
        this.description = description;
    }

    /** Right before {@code program}, attached with BPF_PROG_ATTACH ({@link CgroupAttachment}) at the same hook. */
    public static CgroupPosition before(BpfProgram program) {
        return new CgroupPosition(LinkCreate.BPF_F_BEFORE, program, null, 0, "before program " + program.name());
    }

    /** Right after {@code program}, attached with BPF_PROG_ATTACH ({@link CgroupAttachment}) at the same hook. */
    public static CgroupPosition after(BpfProgram program) {
        return new CgroupPosition(LinkCreate.BPF_F_AFTER, program, null, 0, "after program " + program.name());
    }

    /** Right before the program of {@code link}, a cgroup link at the same hook of the same cgroup. */
    public static CgroupPosition before(CgroupLink link) {
        return new CgroupPosition(LinkCreate.BPF_F_BEFORE | LinkCreate.BPF_F_LINK, null, link, 0, "before link " + link.id());
    }

    /** Right after the program of {@code link}, a cgroup link at the same hook of the same cgroup. */
    public static CgroupPosition after(CgroupLink link) {
        return new CgroupPosition(LinkCreate.BPF_F_AFTER | LinkCreate.BPF_F_LINK, null, link, 0, "after link " + link.id());
    }

    /**
     * This position, taken only while the hook's list is at {@code revision} (as
     * {@link CgroupQuery#order} read it): if anything was attached, detached or replaced there
     * since, the attach fails with ESTALE and changes nothing.
     */
    public CgroupPosition atRevision(long revision) {
        if (revision <= 0) {
            throw new BpfException("cgroup revision " + revision + ": revisions start at 1 (0 means no check)");
        }
        return new CgroupPosition(flags, program, link, revision, description + " at revision " + revision);
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

    /** The revision the hook must be at, or 0 for no check. */
    long expectedRevision() {
        return expectedRevision;
    }

    /** True when the relative is a program (for attachments), false for a link or none. */
    boolean relativeIsProgram() {
        return program != null;
    }

    /** True when the relative is a link (for links). */
    boolean relativeIsLink() {
        return link != null;
    }

    /** True for {@link #LAST} without a revision: what every kernel does without the ordering API. */
    boolean isPlain() {
        return flags == 0 && expectedRevision == 0;
    }

    /** {@code first}, {@code last}, {@code before link 7 at revision 3} ... */
    @Override
    public String toString() {
        return description;
    }
}
