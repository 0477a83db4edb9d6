package io.jbpf.link;

/** What an attach does when the hook already runs a program. */
public enum IfAttached {
    /** Refuse: the attach fails (with {@link XdpBusyException} for XDP) and the program there stays. */
    FAIL,
    /** Take its place, atomically. */
    REPLACE
}
