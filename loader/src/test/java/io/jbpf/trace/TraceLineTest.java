package io.jbpf.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Trace pipe lines as this kernel and older formats print them. */
class TraceLineTest {
    @Test
    void aBpfPrintkLine() {
        TraceLine l = TraceLine.parse("            java-4711    [001] ...21  1234.567890: bpf_trace_printk: Hello, World!").orElseThrow();
        assertThat(l).isEqualTo(new TraceLine("java", 4711, 1, "...21", 1234.567890, "bpf_trace_printk", "Hello, World!"));
        assertThat(l.fromBpf()).isTrue();
    }

    @Test
    void tasksWithDashesAndSpacesAndTheTgidColumn() {
        TraceLine l = TraceLine.parse(" kworker/0:1-events-42 (     42) [000] d..1. 5.000001: bpf_trace_printk: a: b").orElseThrow();
        assertThat(l.task()).isEqualTo("kworker/0:1-events");
        assertThat(l.pid()).isEqualTo(42);
        assertThat(l.message()).as("colons in the message stay").isEqualTo("a: b");
        TraceLine spaced = TraceLine.parse("  Web Content-9 [003] .... 77.5: bpf_trace_printk: x").orElseThrow();
        assertThat(spaced.task()).isEqualTo("Web Content");
        assertThat(spaced.cpu()).isEqualTo(3);
    }

    @Test
    void withoutIrqInfoAndUnknownTasks() {
        TraceLine l = TraceLine.parse("           <...>-77    [002]  10.250000: bpf_trace_printk: ").orElseThrow();
        assertThat(l.task()).isEqualTo("<...>");
        assertThat(l.flags()).isEmpty();
        assertThat(l.message()).isEmpty();
    }

    @Test
    void notesAreNotLines() {
        assertThat(TraceLine.parse("CPU:1 [LOST 12 EVENTS]")).isEmpty();
        assertThat(TraceLine.parse("")).isEmpty();
    }

    @Test
    void otherWritersAreNotBpf() {
        assertThat(TraceLine.parse("  sh-1 [000] .... 1.0: tracing_mark_write: hi").orElseThrow().fromBpf()).isFalse();
    }
}
