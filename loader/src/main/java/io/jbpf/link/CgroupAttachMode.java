package io.jbpf.link;

import io.jbpf.internal.sys.BpfAttr;

/**
 * How a program attached with {@code BPF_PROG_ATTACH} ({@link CgroupAttachment}) shares a cgroup
 * hook with other programs on the cgroup and on its descendants. A cgroup's hook has one mode at a
 * time: the first attachment sets it, and attachments in another mode are refused (EPERM) until
 * the hook is empty again. {@code bpftool cgroup tree} prints them as {@code ""}, {@code override}
 * and {@code multi}.
 */
public enum CgroupAttachMode {
    /**
     * No flag: one program, and no descendant cgroup may attach at the same hook (EPERM there).
     * Attaching another program here in this mode replaces it.
     */
    EXCLUSIVE(0),
    /**
     * BPF_F_ALLOW_OVERRIDE: one program, which a program attached on a descendant cgroup replaces for
     * that descendant's processes. Attaching another program here in this mode replaces it.
     */
    OVERRIDE(BpfAttr.ProgAttach.F_ALLOW_OVERRIDE),
    /**
     * BPF_F_ALLOW_MULTI: a list of programs; the ancestors' lists run first, then this cgroup's, each
     * in attach order. Links ({@link CgroupLink}) always join such a list.
     */
    MULTI(BpfAttr.ProgAttach.F_ALLOW_MULTI);

    /** The BPF_F_ALLOW_* bit. */
    final int flag;

    CgroupAttachMode(int flag) {
        this.flag = flag;
    }

    /** The mode of a hook's or a program's {@code attach_flags} as BPF_PROG_QUERY reports them. */
    static CgroupAttachMode of(int flags) {
        if ((flags & BpfAttr.ProgAttach.F_ALLOW_MULTI) != 0) {
            return MULTI;
        }
        return (flags & BpfAttr.ProgAttach.F_ALLOW_OVERRIDE) != 0 ? OVERRIDE : EXCLUSIVE;
    }
}
