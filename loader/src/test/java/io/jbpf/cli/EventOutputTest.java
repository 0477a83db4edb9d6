package io.jbpf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.BpfCompiler;
import io.jbpf.btf.Btf;
import io.jbpf.common.BpfException;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.Kernel;
import io.jbpf.trace.TraceLine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jbpf run}'s record decoding, without a kernel: the struct a record is chosen through the
 * BTF of run_events.bpf.c as clang builds it, and the lines and JSON objects printed for records,
 * lost reports and printk lines, up to the count.
 */
class EventOutputTest {
    static final Path SOURCE = Kernel.root().resolve("loader/src/test/resources/io/jbpf/cli/run_events.bpf.c");

    @TempDir
    Path dir;

    private Btf btf(String... flags) {
        Path obj = new BpfCompiler("clang", dir.resolve("cache"), List.of(flags)).compile(SOURCE);
        return BpfObjectSpec.read(obj).btf().orElseThrow();
    }

    /** struct event {u32 pid; u64 ts; char comm[16];} at offset 3 of a buffer (records are shown {@code length} bytes of it). */
    static ByteBuffer event(int pid, long ts, String comm, int length) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(length, 32) + 3).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(3 + 0, pid).putLong(3 + 8, ts).put(3 + 16, comm.getBytes(StandardCharsets.US_ASCII));
        return b;
    }

    @Test
    void perfRecordsArePaddedToWholeWordsWithTheirSizeField() {
        assertThat(EventTypes.perfLength(32)).isEqualTo(36);
        assertThat(EventTypes.perfLength(36)).isEqualTo(36);
        assertThat(EventTypes.perfLength(29)).isEqualTo(36);
        assertThat(EventTypes.perfLength(28)).isEqualTo(28);
        assertThat(EventTypes.perfLength(1)).isEqualTo(4);
    }

    @Test
    void theOneStructOfTheRecordsSizeIsChosenElseHex() {
        EventTypes types = EventTypes.of(btf(), null, "run_events.bpf.c");
        assertThat(EventTypes.structs(btf())).extracting(EventTypes.Struct::toString).contains("event (32 B)");
        assertThat(types.choose(32, false).name()).as("a ring record is as long as the struct").isEqualTo("event");
        assertThat(types.choose(36, true).name()).as("a perf record of it is padded to 36").isEqualTo("event");
        assertThat(types.choose(36, false)).as("a 36-byte ring record is no struct of the object").isNull();
        assertThat(types.choose(12, true)).isNull();
        assertThat(types.decode(new byte[] {1, 2, 3}, 3, false)).isEqualTo(new EventTypes.Decoded(null, "01 02 03"));
    }

    @Test
    void twoStructsOfTheSizeGiveHexUnlessEventTypeNamesOne() {
        Btf twins = btf("-DTWIN");
        assertThat(EventTypes.of(twins, null, "x").fitting(32, false)).extracting(EventTypes.Struct::name)
                .containsExactlyInAnyOrder("event", "twin");
        assertThat(EventTypes.of(twins, null, "x").choose(32, false)).isNull();
        assertThat(EventTypes.of(twins, "event", "x").choose(32, false).name()).isEqualTo("event");
        assertThat(EventTypes.of(twins, "twin", "x").choose(36, true).name()).isEqualTo("twin");
    }

    @Test
    void anUnknownEventTypeListsTheStructsThereAre() {
        Btf btf = btf("-DTWIN");
        assertThatThrownBy(() -> EventTypes.of(btf, "data_t", "prog.bpf.c")).isInstanceOf(BpfException.class)
                .hasMessageContaining("--event-type data_t: prog.bpf.c has no struct of that name")
                .hasMessageContaining("event (32 B)").hasMessageContaining("twin (32 B)");
        assertThatThrownBy(() -> EventTypes.of(null, "event", "prog.o")).isInstanceOf(BpfException.class)
                .hasMessageContaining("prog.o has no BTF (compile it with -g)");
    }

    @Test
    void recordsPrintFieldByFieldOrInHex() {
        StringWriter text = new StringWriter();
        StringWriter notes = new StringWriter();
        EventOutput out = new EventOutput(new PrintWriter(text), new PrintWriter(notes),
                false, null, EventTypes.of(btf(), null, "x"));
        out.ringRecord("ring_events", event(1234, 5678, "sync", 32), 3, 32);
        out.perfRecord("perf_events", 1, event(1234, 5678, "sync", 36), 3, 36);
        out.perfRecord("perf_events", 0, event(7, 8, "x", 20), 3, 20);
        out.lost("perf_events", 1, 3);
        assertThat(text.toString().lines()).containsExactly(
                "ring_events: pid=1234 ts=5678 comm=\"sync\"",
                "perf_events cpu 1: pid=1234 ts=5678 comm=\"sync\"",
                "perf_events cpu 0: 07 00 00 00 00 00 00 00 08 00 00 00 00 00 00 00 78 00 00 00",
                "perf_events cpu 1: lost 3 records");
        assertThat(notes.toString().lines()).containsExactly("jbpf: perf buffer records of 20 bytes fit no struct of the "
                + "object's BTF: shown in hex (a struct only local variables use is not in BTF: declare a global of it, "
                + "e.g. struct event *unused_event __attribute__((unused));)");
    }

    @Test
    void whyRecordsShowInHexIsSaidOncePerLength() {
        EventTypes twins = EventTypes.of(btf("-DTWIN"), null, "x");
        assertThat(twins.hexNote(32, false)).isEqualTo("ring buffer records of 32 bytes fit several structs (twin, event): "
                + "shown in hex; pick one with --event-type NAME");
        assertThat(twins.hexNote(32, false)).as("said once").isNull();
        assertThat(twins.hexNote(36, true)).startsWith("perf buffer records of 36 bytes fit several structs");
        EventTypes forced = EventTypes.of(btf("-DTWIN"), "event", "x");
        assertThat(forced.hexNote(32, false)).as("decoded: nothing to say").isNull();
        assertThat(forced.hexNote(8, true)).isEqualTo("perf buffer records of 8 bytes are shorter than struct event (32 B): "
                + "shown in hex");
        assertThat(EventTypes.of(null, null, "x").hexNote(8, false)).endsWith("the object has no BTF (compile it with -g)");
    }

    @Test
    void jsonShowsTheValueAsMapDumpDoes() {
        StringWriter text = new StringWriter();
        StringWriter notes = new StringWriter();
        EventOutput out = new EventOutput(new PrintWriter(text), new PrintWriter(notes),
                true, null, EventTypes.of(btf("-DTWIN"), "event", "x"));
        out.ringRecord("ring_events", event(1234, 5678, "sync", 32), 3, 32);
        out.perfRecord("perf_events", 1, event(1234, 5678, "sync\"x", 36), 3, 36);
        out.perfRecord("perf_events", 0, event(1, 2, "", 4), 3, 4);
        out.lost("perf_events", 1, 1);
        assertThat(text.toString().lines()).containsExactly(
                "{\"map\":\"ring_events\",\"type\":\"event\",\"value\":{\"pid\":1234,\"ts\":5678,\"comm\":\"sync\"}}",
                "{\"map\":\"perf_events\",\"cpu\":1,\"type\":\"event\",\"value\":{\"pid\":1234,\"ts\":5678,\"comm\":\"sync\\\"x\"}}",
                "{\"map\":\"perf_events\",\"cpu\":0,\"value\":\"01 00 00 00\"}",
                "{\"map\":\"perf_events\",\"cpu\":1,\"lost\":1}");
    }

    @Test
    void theCountTakesPrintkLinesAndRecordsTogether() throws Exception {
        StringWriter text = new StringWriter();
        StringWriter notes = new StringWriter();
        EventOutput out = new EventOutput(new PrintWriter(text), new PrintWriter(notes),
                false, 2, EventTypes.of(null, null, "x"));
        out.line(TraceLine.parse("            sync-42      [001] ...21   100.000001: bpf_trace_printk: hi").orElseThrow());
        assertThat(out.awaitFull(0)).isFalse();
        out.ringRecord("r", event(1, 2, "", 4), 3, 4);
        assertThat(out.awaitFull(0)).isTrue();
        out.ringRecord("r", event(3, 4, "", 4), 3, 4);
        out.lost("p", 0, 5);
        assertThat(text.toString().lines()).hasSize(2).last().isEqualTo("r: 01 00 00 00");
        assertThat(text.toString()).contains("hi").doesNotContain("03 00", "lost");
    }
}
