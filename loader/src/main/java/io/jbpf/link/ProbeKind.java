package io.jbpf.link;

/** Where a probe fires in the function it is placed on: a uprobe or kprobe, or a uretprobe or kretprobe. */
public enum ProbeKind {
    /** On entry, before the function's first instruction runs: the arguments are in the registers. */
    ENTRY,
    /** On return to the caller: the return value is in the return register ({@code rax} on x86-64). */
    RETURN
}
