package io.jbpf.internal.sys;

import io.jbpf.common.BpfException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What kind of BPF object an fd refers to. BPF_OBJ_GET hands out an fd for whatever is pinned at
 * a path, and BPF_OBJ_GET_INFO_BY_FD answers by the fd's real type (a program fd given a map
 * info buffer fills it with program info), so neither tells a map from a program. The kernel
 * names the anonymous inode behind each fd by its type, as {@code /proc/self/fd} shows
 * ({@code anon_inode:bpf-map}); bpftool tells pins apart the same way.
 */
public enum BpfFdType {
    MAP("bpf-map", "map", "a BPF map"),
    PROGRAM("bpf-prog", "program", "a BPF program"),
    // "bpf_link" for an fd from BPF_LINK_CREATE, "bpf-link" for one from BPF_OBJ_GET or LINK_GET_FD_BY_ID
    LINK("bpf_link", "link", "a BPF link"),
    BTF("btf", "BTF object", "a BTF object"),
    ITERATOR("bpf_iter", "iterator", "a BPF iterator"),
    TOKEN("bpf-token", "token", "a BPF token");

    private final String inodeName;
    private final String noun;
    private final String description;

    BpfFdType(String inodeName, String noun, String description) {
        this.inodeName = inodeName;
        this.noun = noun;
        this.description = description;
    }

    /**
     * Closes {@code fd} and throws unless it is of type {@code expected}; {@code what} names the
     * fd's origin ("pinned map /sys/fs/bpf/x"). When /proc is not mounted the type cannot be read
     * and the fd is let through, as before this check existed.
     */
    public static void require(int fd, BpfFdType expected, String what) {
        String target;
        try {
            target = Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(fd))).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        String inode = target.startsWith("anon_inode:") ? target.substring("anon_inode:".length()) : null;
        if (expected.is(inode)) {
            return;
        }
        Native.closeQuietly(fd);
        String actual = describe(inode, target);
        throw new BpfException(what + ": is " + actual + ", not a " + expected.noun + " (incorrect object type); name a pinned "
                + expected.noun + " instead");
    }

    private boolean is(String inode) {
        return inodeName.equals(inode) || (this == LINK && "bpf-link".equals(inode));
    }

    private static String describe(String inode, String target) {
        for (BpfFdType t : values()) {
            if (t.is(inode)) {
                return t.description;
            }
        }
        return "not a BPF object (" + target + ")";
    }

    // --- cli ---

    /** The type of BPF object behind {@code fd}, or null when it is none (or /proc is not mounted). */
    public static BpfFdType of(int fd) {
        String target;
        try {
            target = Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(fd))).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        String inode = target.startsWith("anon_inode:") ? target.substring("anon_inode:".length()) : null;
        for (BpfFdType t : values()) {
            if (t.is(inode)) {
                return t;
            }
        }
        return null;
    }
}
