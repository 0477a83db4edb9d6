// The bcc tutorial's lesson 8, sync_perf_output (the exercise after hello_perf_output.py), in Java
// with jbpf: sync_timing, its result sent as a struct through a perf buffer (BPF_PERF_OUTPUT, here a
// BPF_MAP_TYPE_PERF_EVENT_ARRAY) instead of bpf_printk. Run it (after the build), then sync twice in
// another shell:
//
//   java -cp loader/target/jbpf.jar bpf-src/bcc/sync_perf_output.java
//
// bcc attaches to a kprobe on sync; where the kernel has no kprobes (the development machine) this
// attaches to the syscalls/sys_enter_sync tracepoint instead.
import io.jbpf.BpfCompiler;
import io.jbpf.BpfObject;
import io.jbpf.Features;
import io.jbpf.link.KprobeLink;
import io.jbpf.link.Link;
import io.jbpf.link.TracepointLink;
import io.jbpf.perf.PerfBuffer;
import io.jbpf.perf.PerfBufferOptions;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

class SyncPerfOutput {
    static final String PROGRAM = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>

            struct data_t {
                __u64 ts;
                __u64 ms;
            };

            struct {
                __uint(type, BPF_MAP_TYPE_HASH);
                __uint(max_entries, 1);
                __type(key, __u64);
                __type(value, __u64);
            } last SEC(".maps");

            struct {
                __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
                __uint(key_size, sizeof(int));
                __uint(value_size, sizeof(int));
            } events SEC(".maps");

            static __always_inline int do_trace(void *ctx)
            {
                __u64 *tsp, key = 0;
                struct data_t data = {};

                data.ts = bpf_ktime_get_ns();
                tsp = bpf_map_lookup_elem(&last, &key);
                if (tsp) {
                    __u64 delta = data.ts - *tsp;
                    if (delta < 1000000000) {   // output if time is less than 1 second
                        data.ms = delta / 1000000;
                        bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &data, sizeof(data));
                    }
                    bpf_map_delete_elem(&last, &key);
                }
                bpf_map_update_elem(&last, &key, &data.ts, BPF_ANY);
                return 0;
            }

            SEC("ksyscall/sync")
            int kprobe_sync(void *ctx) { return do_trace(ctx); }

            SEC("tracepoint/syscalls/sys_enter_sync")
            int tracepoint_sync(void *ctx) { return do_trace(ctx); }

            char _license[] SEC("license") = "GPL";
            """;

    public static void main(String[] args) {
        AtomicBoolean stop = new AtomicBoolean();
        Signal.handle(new Signal("INT"), s -> stop.set(true));   // Ctrl-C ends the loop; the links close
        Signal.handle(new Signal("TERM"), s -> stop.set(true));
        long[] start = {0};
        try (BpfObject b = BpfObject.load(BpfCompiler.defaults().compile("sync_perf_output", PROGRAM));
             Link link = Features.hook(Features.Hook.KPROBES) == Features.Support.YES
                     ? KprobeLink.attach(b.program("kprobe_sync")) : TracepointLink.attach(b.program("tracepoint_sync"));
             PerfBuffer events = PerfBuffer.open(b.map("events"), PerfBufferOptions.defaults(), (cpu, data, offset, size) -> {
                 // struct data_t: ts at 0, ms at 8 (little-endian)
                 long ts = data.getLong(offset);
                 if (start[0] == 0) {
                     start[0] = ts;
                 }
                 System.out.printf("At time %.2f s: multiple syncs detected, last %d ms ago%n",
                         (ts - start[0]) / 1e9, data.getLong(offset + 8));
             })) {
            System.err.println("attached to " + link);
            System.out.println("Tracing for quick sync's... Ctrl-C to end");
            while (!stop.get()) {
                events.poll(200, 64);
            }
        }
    }
}
