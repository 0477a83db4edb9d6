package io.jbpf.cli;

import java.util.List;
import picocli.CommandLine.Model.PositionalParamSpec;

/** The bpftool-style words of a command line ({@code id 7 key hex 01 00}), read in order. */
final class Words {
    private Words() {
    }

    /** The words given for {@code p}, empty when none. */
    static List<String> of(PositionalParamSpec p) {
        List<String> v = p.getValue();
        return v == null ? List.of() : List.copyOf(v);
    }

    /** The object reference at {@code at}; a malformed one is a usage error of {@code cmd}. */
    static ObjectRef ref(CliCommand cmd, List<String> w, int at, ObjectRef.Of of) {
        try {
            return ObjectRef.parse(w, at, of);
        } catch (IllegalArgumentException e) {
            throw cmd.usageError(e.getMessage());
        }
    }

    /** A usage error when words follow position {@code end}. */
    static void noMore(CliCommand cmd, List<String> w, int end) {
        if (w.size() > end) {
            throw cmd.usageError("unexpected '" + String.join(" ", w.subList(end, w.size())) + "'");
        }
    }
}
