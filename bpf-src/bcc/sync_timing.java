// The bcc tutorial's lesson 4, sync_timing.py, in Java with jbpf: time between sync(2) calls, kept in
// a hash map by the kernel, printed when two come within a second. Run it (after the build), then
// sync twice in another shell:
//
//   java -cp loader/target/jbpf.jar bpf-src/bcc/sync_timing.java
//
// bcc attaches to a kprobe on sync; where the kernel has no kprobes (the development machine) this
// attaches to the syscalls/sys_enter_sync tracepoint instead.
import io.jbpf.BpfCompiler;
import io.jbpf.BpfObject;
import io.jbpf.Features;
import io.jbpf.link.KprobeLink;
import io.jbpf.link.Link;
import io.jbpf.link.TracepointLink;
import io.jbpf.trace.TracePipe;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

class SyncTiming {
    static final String PROGRAM = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>

            struct {
                __uint(type, BPF_MAP_TYPE_HASH);
                __uint(max_entries, 1);
                __type(key, __u64);
                __type(value, __u64);
            } last SEC(".maps");

            static __always_inline int do_trace(void)
            {
                __u64 ts, *tsp, delta, key = 0;

                // attempt to read the stored timestamp
                tsp = bpf_map_lookup_elem(&last, &key);
                if (tsp) {
                    delta = bpf_ktime_get_ns() - *tsp;
                    if (delta < 1000000000)     // output if time is less than 1 second
                        bpf_printk("%llu", delta / 1000000);
                    bpf_map_delete_elem(&last, &key);
                }
                // update the stored timestamp
                ts = bpf_ktime_get_ns();
                bpf_map_update_elem(&last, &key, &ts, BPF_ANY);
                return 0;
            }

            SEC("ksyscall/sync")
            int kprobe_sync(void *ctx) { return do_trace(); }

            SEC("tracepoint/syscalls/sys_enter_sync")
            int tracepoint_sync(void *ctx) { return do_trace(); }

            char _license[] SEC("license") = "GPL";
            """;

    public static void main(String[] args) {
        AtomicBoolean stop = new AtomicBoolean();
        Signal.handle(new Signal("INT"), s -> stop.set(true));   // Ctrl-C ends the loop; the links close
        Signal.handle(new Signal("TERM"), s -> stop.set(true));
        double[] start = {0};
        try (BpfObject b = BpfObject.load(BpfCompiler.defaults().compile("sync_timing", PROGRAM));
             Link link = Features.hook(Features.Hook.KPROBES) == Features.Support.YES
                     ? KprobeLink.attach(b.program("kprobe_sync")) : TracepointLink.attach(b.program("tracepoint_sync"));
             TracePipe trace = TracePipe.open(line -> {
                 if (start[0] == 0) {
                     start[0] = line.timestamp();
                 }
                 System.out.printf("At time %.2f s: multiple syncs detected, last %s ms ago%n",
                         line.timestamp() - start[0], line.message());
             })) {
            System.err.println("attached to " + link);
            System.out.println("Tracing for quick sync's... Ctrl-C to end");
            while (!stop.get()) {
                trace.poll(200);
            }
        }
    }
}
