// The bcc tutorial's lesson 3, hello_fields.py, in Java with jbpf: the kernel prints "Hello, World!"
// with bpf_printk, and each trace_pipe line is split into its fields (bcc's trace_fields()). Run it
// (after the build), then sync in another shell:
//
//   java -cp loader/target/jbpf.jar bpf-src/bcc/hello_fields.java
//
// bcc attaches to a kprobe on clone; this one fires on sync (as every lesson here does): a kprobe
// where the kernel has kprobes, else the syscalls/sys_enter_sync tracepoint.
import io.jbpf.BpfCompiler;
import io.jbpf.BpfObject;
import io.jbpf.Features;
import io.jbpf.link.KprobeLink;
import io.jbpf.link.Link;
import io.jbpf.link.TracepointLink;
import io.jbpf.trace.TracePipe;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

class HelloFields {
    static final String PROGRAM = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>

            SEC("ksyscall/sync")
            int kprobe_hello(void *ctx) { bpf_printk("Hello, World!"); return 0; }

            SEC("tracepoint/syscalls/sys_enter_sync")
            int tracepoint_hello(void *ctx) { bpf_printk("Hello, World!"); return 0; }

            char _license[] SEC("license") = "GPL";
            """;

    public static void main(String[] args) {
        AtomicBoolean stop = new AtomicBoolean();
        Signal.handle(new Signal("INT"), s -> stop.set(true));   // Ctrl-C ends the loop; the links close
        Signal.handle(new Signal("TERM"), s -> stop.set(true));
        try (BpfObject b = BpfObject.load(BpfCompiler.defaults().compile("hello_fields", PROGRAM));
             Link link = Features.hook(Features.Hook.KPROBES) == Features.Support.YES
                     ? KprobeLink.attach(b.program("kprobe_hello")) : TracepointLink.attach(b.program("tracepoint_hello"));
             TracePipe trace = TracePipe.open(line -> System.out.printf("%-18.9f %-16s %-6d %s%n",
                     line.timestamp(), line.task(), line.pid(), line.message()))) {
            System.err.println("attached to " + link);
            System.out.printf("%-18s %-16s %-6s %s%n", "TIME(s)", "COMM", "PID", "MESSAGE");
            while (!stop.get()) {
                trace.poll(200);
            }
        }
    }
}
