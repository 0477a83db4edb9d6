package io.jbpf;

import io.jbpf.common.BpfException;
import java.util.Arrays;
import java.util.List;

/** The kernel refused a program; carries the verifier log, with its useful tail in the message. */
public class VerifierException extends BpfException {
    /** How many trailing log lines the message shows; the full log is in {@link #log()}. */
    public static final int TAIL_LINES = 20;
    private final String log;

    public VerifierException(String what, int errno, String log) {
        super(what + tail(log), errno);
        this.log = log;
    }

    /** The whole verifier log. */
    public String log() {
        return log;
    }

    private static String tail(String log) {
        if (log == null || log.isBlank()) {
            return ": the kernel gave no verifier log";
        }
        List<String> lines = Arrays.stream(log.split("\n")).filter(l -> !l.isBlank()).toList();
        int from = Math.max(0, lines.size() - TAIL_LINES);
        StringBuilder b = new StringBuilder("; verifier log");
        b.append(from > 0 ? " (last " + (lines.size() - from) + " of " + lines.size() + " lines)" : "").append(":\n");
        for (String l : lines.subList(from, lines.size())) {
            b.append("  | ").append(l).append('\n');
        }
        b.append("  rejected");
        return b.toString();
    }
}
