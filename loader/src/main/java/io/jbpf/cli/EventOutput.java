package io.jbpf.cli;

import io.jbpf.trace.TraceLine;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What {@code jbpf run} prints: bpf_printk lines and ring/perf buffer records, each read on its
 * own thread and printed here whole, one at a time, up to {@code --count} (lines and records
 * together). A record is decoded through the object's BTF ({@link EventTypes}):
 * {@code events cpu 1: pid=1234 ts=5678 comm="sync"} (no cpu for ring buffers), or with
 * {@code --json} {@code {"map":"events","cpu":1,"type":"event","value":{"pid":1234,...}}} (the
 * value as {@code map dump --json} shows it, a hex string when no struct fits). Records a perf
 * buffer lost print as {@code events cpu 1: lost 3 records} (not counted).
 */
final class EventOutput {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final Integer count;
    private final EventTypes types;
    private final CountDownLatch full = new CountDownLatch(1);
    private int printed;

    /** {@code count} null: no limit; {@code err} gets a note the first time records of a length show in hex. */
    EventOutput(PrintWriter out, PrintWriter err, boolean json, Integer count, EventTypes types) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.count = count;
        this.types = types;
    }

    /** A bpf_printk line (the trace pipe's handler). */
    synchronized void line(TraceLine line) {
        if (take()) {
            print(TraceOutput.format(line, json));
        }
    }

    /** A ring buffer record of map {@code map} (a reader's handler: the bytes are copied before it returns). */
    synchronized void ringRecord(String map, ByteBuffer data, int offset, int length) {
        if (take()) {
            print(record(map, null, copy(data, offset, length), length, false));
        }
    }

    /** A perf buffer record of map {@code map} from CPU {@code cpu}, as {@link #ringRecord}. */
    synchronized void perfRecord(String map, int cpu, ByteBuffer data, int offset, int length) {
        if (take()) {
            print(record(map, cpu, copy(data, offset, length), length, true));
        }
    }

    /** {@code lost} records the kernel had no room for in map {@code map}'s ring of CPU {@code cpu}. */
    synchronized void lost(String map, int cpu, long lost) {
        if (count != null && printed >= count) {
            return;
        }
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("map", map);
            o.put("cpu", cpu);
            o.put("lost", lost);
            print(Json.write(o));
        } else {
            print(map + " cpu " + cpu + ": lost " + lost + (lost == 1 ? " record" : " records"));
        }
    }

    /** Waits up to {@code nanos} until {@code --count} lines and records were printed; true once they were. */
    boolean awaitFull(long nanos) throws InterruptedException {
        return full.await(nanos, TimeUnit.NANOSECONDS);
    }

    /** One record as a line of text or JSON. */
    String record(String map, Integer cpu, byte[] bytes, int length, boolean perf) {
        EventTypes.Decoded d = types.decode(bytes, length, perf);
        String note = d.type() == null ? types.hexNote(length, perf) : null;
        if (note != null) {
            err.println("jbpf: " + note);
            err.flush();
        }
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("map", map);
            if (cpu != null) {
                o.put("cpu", cpu);
            }
            if (d.type() != null) {
                o.put("type", d.type());
            }
            o.put("value", d.value());
            return Json.write(o);
        }
        StringBuilder b = new StringBuilder(map);
        if (cpu != null) {
            b.append(" cpu ").append(cpu);
        }
        b.append(':');
        if (d.value() instanceof Map<?, ?> fields) {
            // field=value as bcc's examples print them: strings quoted, nested values as map dump shows them
            fields.forEach((k, v) -> b.append(' ').append(k).append('=').append(v instanceof String s ? Json.write(s)
                    : Json.text(v)));
        } else {
            b.append(' ').append(Json.text(d.value()));
        }
        return b.toString();
    }

    /** Counts one more line or record; false once the count is reached (the rest is dropped). */
    private boolean take() {
        if (count != null && printed >= count) {
            return false;
        }
        printed++;
        if (count != null && printed == count) {
            full.countDown();
        }
        return true;
    }

    private void print(String line) {
        out.println(line);
        out.flush();
    }

    private static byte[] copy(ByteBuffer data, int offset, int length) {
        byte[] b = new byte[length];
        data.get(offset, b);
        return b;
    }
}
