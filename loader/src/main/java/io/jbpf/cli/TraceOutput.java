package io.jbpf.cli;

import io.jbpf.trace.TraceLine;
import io.jbpf.trace.TracePipe;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Prints trace pipe lines for {@code prog tracelog} and {@code run}: as the kernel prints them, or
 * one JSON object per line, until a deadline, a count of lines, or a stop signal.
 */
final class TraceOutput {
    private final PrintWriter out;
    private final boolean json;
    private final Integer count;
    private int printed;

    /** {@code count} null: no limit. */
    TraceOutput(PrintWriter out, boolean json, Integer count) {
        this.out = out;
        this.json = json;
        this.count = count;
    }

    /** Opens the trace pipe and prints its lines until {@code endNanos} (System.nanoTime), the count, or {@code stop}. */
    void pump(long endNanos, BooleanSupplier stop) {
        try (TracePipe pipe = TracePipe.open(this::print)) {
            pump(pipe, endNanos, stop);
        }
    }

    /** As {@link #pump(long, BooleanSupplier)}, from a pipe opened with {@link #print} as its handler. */
    void pump(TracePipe pipe, long endNanos, BooleanSupplier stop) {
        while (!stop.getAsBoolean() && System.nanoTime() < endNanos && (count == null || printed < count)) {
            long left = Math.max(0, endNanos - System.nanoTime());
            pipe.poll((int) Math.min(200, left / 1_000_000));
        }
    }

    /** One trace line as {@code prog tracelog} and {@code run} print it: as the kernel does, or a JSON object. */
    static String format(TraceLine line, boolean json) {
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("task", line.task());
            o.put("pid", line.pid());
            o.put("cpu", line.cpu());
            o.put("flags", line.flags());
            o.put("timestamp", line.timestamp());
            o.put("function", line.function());
            o.put("message", line.message());
            return Json.write(o);
        }
        return String.format(Locale.ROOT, "%16s-%-7d [%03d] %s %.6f: %s: %s", line.task(), line.pid(), line.cpu(),
                line.flags(), line.timestamp(), line.function(), line.message());
    }

    /** Prints one line (the pipe's handler), up to the count. */
    void print(TraceLine line) {
        if (count != null && printed >= count) {
            return;
        }
        printed++;
        out.println(format(line, json));
        out.flush();
    }
}
