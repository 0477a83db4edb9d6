package io.jbpf.cli;

import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.LinkType;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.ProgType;
import java.util.Locale;

/**
 * The names bpftool prints for kernel enums (libbpf's tables): the kernel name without its
 * prefix, in lower case ({@code sched_cls}, {@code percpu_array}, {@code tcx},
 * {@code cgroup_inet_egress}). bpftool 7.1 prints numbers for types newer than its libbpf; jbpf
 * prints the names of every type it knows.
 */
final class Names {
    private Names() {
    }

    static String of(ProgType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }

    static String of(MapType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }

    static String of(LinkType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }

    static String of(AttachType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }

    /** An attach type by its kernel number: its name, or the number when this jbpf does not know it. */
    static Object attachType(int value) {
        AttachType t = AttachType.of(value);
        return t != null ? of(t) : (Object) value;
    }
}
