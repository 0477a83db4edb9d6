// hello_perf_output.py (the bcc tutorial's lesson 7) with a ring buffer, in Java with jbpf: the
// kernel sends a struct per call through a BPF_MAP_TYPE_RINGBUF (bcc's BPF_RINGBUF_OUTPUT: one buffer
// shared by all CPUs, records in the order they were made), read with jbpf's RingBufferReader. Run
// it (after the build), then sync in another shell:
//
//   java -cp loader/target/jbpf.jar bpf-src/bcc/hello_ringbuf_output.java
//
// bcc attaches to a kprobe on clone; this one fires on sync (as every lesson here does): a kprobe
// where the kernel has kprobes, else the syscalls/sys_enter_sync tracepoint.
import io.jbpf.BpfCompiler;
import io.jbpf.BpfObject;
import io.jbpf.Features;
import io.jbpf.link.KprobeLink;
import io.jbpf.link.Link;
import io.jbpf.link.TracepointLink;
import io.jbpf.ringbuf.RingBufferReader;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

class HelloRingbufOutput {
    static final String PROGRAM = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>

            // define output data structure in C
            struct data_t {
                __u32 pid;
                __u64 ts;
                char comm[16];
            };

            struct {
                __uint(type, BPF_MAP_TYPE_RINGBUF);
                __uint(max_entries, 256 * 1024);
            } events SEC(".maps");

            static __always_inline int hello(void *ctx)
            {
                struct data_t data = {};

                data.pid = bpf_get_current_pid_tgid();
                data.ts = bpf_ktime_get_ns();
                bpf_get_current_comm(&data.comm, sizeof(data.comm));
                bpf_ringbuf_output(&events, &data, sizeof(data), 0);
                return 0;
            }

            SEC("ksyscall/sync")
            int kprobe_hello(void *ctx) { return hello(ctx); }

            SEC("tracepoint/syscalls/sys_enter_sync")
            int tracepoint_hello(void *ctx) { return hello(ctx); }

            char _license[] SEC("license") = "GPL";
            """;

    public static void main(String[] args) {
        AtomicBoolean stop = new AtomicBoolean();
        Signal.handle(new Signal("INT"), s -> stop.set(true));   // Ctrl-C ends the loop; the links close
        Signal.handle(new Signal("TERM"), s -> stop.set(true));
        long[] start = {0};
        try (BpfObject b = BpfObject.load(BpfCompiler.defaults().compile("hello_ringbuf_output", PROGRAM));
             Link link = Features.hook(Features.Hook.KPROBES) == Features.Support.YES
                     ? KprobeLink.attach(b.program("kprobe_hello")) : TracepointLink.attach(b.program("tracepoint_hello"));
             RingBufferReader events = RingBufferReader.open(b.map("events"), (data, offset, size) -> {
                 // struct data_t: pid at 0, ts at 8, comm at 16 (little-endian)
                 long ts = data.getLong(offset + 8);
                 if (start[0] == 0) {
                     start[0] = ts;
                 }
                 double timeS = (ts - start[0]) / 1e9;
                 System.out.printf("%-18.9f %-16s %-6d %s%n", timeS, comm(data, offset + 16), data.getInt(offset),
                         "Hello, ringbuf_output!");
             })) {
            System.err.println("attached to " + link);
            System.out.printf("%-18s %-16s %-6s %s%n", "TIME(s)", "COMM", "PID", "MESSAGE");
            while (!stop.get()) {
                events.poll(200, 64);
            }
        }
    }

    /** The NUL-terminated name in a 16-byte comm field. */
    static String comm(ByteBuffer data, int offset) {
        StringBuilder s = new StringBuilder(16);
        for (int i = 0; i < 16 && data.get(offset + i) != 0; i++) {
            s.append((char) data.get(offset + i));
        }
        return s.toString();
    }
}
