package io.jbpf.trace;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of the kernel's trace pipe, split into the fields bcc's {@code trace_fields()} gives:
 * what {@code bpf_printk} (bpf_trace_printk) wrote, and who was running when it did.
 *
 * @param task      the running task's command name ({@code <...>} when the kernel no longer knew it)
 * @param pid       its thread id (the kernel's pid)
 * @param cpu       the CPU it ran on
 * @param flags     the irq-info flags ({@code d..31}: irqs off, need-resched, softirq/hardirq,
 *                  preempt depth), or "" when the trace format has none
 * @param timestamp seconds since boot, as the trace clock printed them
 * @param function  what wrote the line: {@code bpf_trace_printk} for BPF programs
 * @param message   the text, without the trailing newline
 */
public record TraceLine(String task, int pid, int cpu, String flags, double timestamp, String function, String message) {
    // "   TASK-PID  [( TGID)] [CPU] [FLAGS] SECONDS: FUNCTION: MESSAGE"; TASK may contain '-' and
    // spaces, PID is the last '-' number before the CPU column.
    private static final Pattern LINE = Pattern.compile(
            "^\\s*(.*?)-(\\d+)\\s+(?:\\(\\s*[-\\d]+\\)\\s+)?\\[(\\d+)\\]\\s+(?:(\\S{4,6})\\s+)?(\\d+\\.\\d+):\\s+([^:\\s]+):\\s?(.*)$");

    /** The fields of {@code line}, or empty when it is not a trace line (a "CPU:N [LOST n EVENTS]" note, say). */
    public static Optional<TraceLine> parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new TraceLine(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                m.group(4) == null ? "" : m.group(4), Double.parseDouble(m.group(5)), m.group(6), m.group(7)));
    }

    /** Whether a BPF program's bpf_printk wrote this line. */
    public boolean fromBpf() {
        return function.equals("bpf_trace_printk");
    }
}
