// The xdp-tutorial's tracing04-xdp-tcpdump user side in Java with jbpf: loads
// xdp_sample_pkts_kern.o, attaches its XDP program to a device through a bpf_link (so it detaches
// when this program ends, however it ends), reads the packets the program samples into a perf
// buffer and writes them as pcapng, which tcpdump -r and wireshark read. Run it (after the build)
// in the device's network namespace, e.g. for testenv's environment NAME:
//
//   t exec-xdp -n NAME -- java -cp loader/target/jbpf.jar \
//       bpf-src/tutorial/tracing04-xdp-tcpdump/xdp_sample_pkts.java --dev NAME -w x.pcap
//   t ping -n NAME -c 5          (in another shell; Ctrl-C the sampler when done)
//   tcpdump -r x.pcap
//
// Options: --dev DEV (required), -w FILE (required; - for stdout), --count N (stop after N
// packets), --duration SECONDS, --mode native|skb (default native), --obj OBJECT (default
// bpf-src/build/tutorial/tracing04-xdp-tcpdump/xdp_sample_pkts_kern.o under the current directory).
import io.jbpf.BpfObject;
import io.jbpf.link.XdpBpfLink;
import io.jbpf.link.XdpMode;
import io.jbpf.pcap.PcapNgWriter;
import io.jbpf.perf.PerfBuffer;
import io.jbpf.perf.PerfBufferOptions;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

class XdpSamplePkts {
    /** struct sample_meta of xdp_sample_pkts_kern.c: cookie, pkt_len, cap_len, pad (u16 each, host order). */
    static final int META_SIZE = 8;
    static final int COOKIE = 0xdead;
    static final int SNAPLEN = 1024;   // SAMPLE_SIZE in the program

    public static void main(String[] args) throws IOException {
        String dev = null;
        String file = null;
        long count = Long.MAX_VALUE;
        long durationMillis = Long.MAX_VALUE;
        XdpMode mode = XdpMode.NATIVE;
        Path obj = Path.of("bpf-src/build/tutorial/tracing04-xdp-tcpdump/xdp_sample_pkts_kern.o");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                usage("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--dev", "-d" -> dev = v;
                case "-w" -> file = v;
                case "--count", "-c" -> count = Long.parseLong(v);
                case "--duration" -> durationMillis = (long) (Double.parseDouble(v) * 1000);
                case "--mode" -> mode = v.equals("skb") ? XdpMode.SKB : v.equals("native") ? XdpMode.NATIVE : usage("--mode is native or skb");
                case "--obj" -> obj = Path.of(v);
                default -> usage("unknown option " + a);
            }
        }
        if (dev == null || file == null) {
            usage("--dev DEV and -w FILE are required");
        }
        AtomicBoolean stop = new AtomicBoolean();
        Signal.handle(new Signal("INT"), s -> stop.set(true));   // Ctrl-C: stop, flush, detach
        Signal.handle(new Signal("TERM"), s -> stop.set(true));
        long[] written = {0};
        long end = durationMillis == Long.MAX_VALUE ? Long.MAX_VALUE : System.currentTimeMillis() + durationMillis;
        OutputStream os = file.equals("-") ? System.out : new FileOutputStream(file);
        try (PcapNgWriter pcap = new PcapNgWriter(new BufferedOutputStream(os), "jbpf xdp_sample_pkts")) {
            int iface = pcap.addInterface(dev, SNAPLEN);
            try (BpfObject b = BpfObject.load(obj);
                 XdpBpfLink link = XdpBpfLink.attach(b.program("xdp_sample_func"), dev, mode);
                 PerfBuffer samples = PerfBuffer.open(b.map("samples"), PerfBufferOptions.defaults(), (cpu, data, offset, size) -> {
                     ByteBuffer le = data.duplicate().order(ByteOrder.nativeOrder());
                     int cookie = le.getShort(offset) & 0xffff;
                     int pktLen = le.getShort(offset + 2) & 0xffff;
                     int capLen = le.getShort(offset + 4) & 0xffff;
                     if (cookie != COOKIE || META_SIZE + capLen > size) {
                         System.err.printf("xdp_sample_pkts: skipping a sample of %d bytes with cookie 0x%x%n", size, cookie);
                         return;
                     }
                     Instant now = Instant.now();
                     try {
                         pcap.writePacket(iface, now.getEpochSecond() * 1_000_000_000L + now.getNano(), data, offset + META_SIZE,
                                 capLen, pktLen, null);
                     } catch (IOException e) {
                         throw new UncheckedIOException(e);
                     }
                     written[0]++;
                 })) {
                System.err.println("xdp_sample_pkts: sampling packets on " + dev + " (" + mode + " mode) into " + file
                        + "; Ctrl-C to stop");
                while (!stop.get() && written[0] < count && System.currentTimeMillis() < end) {
                    samples.poll(100, (int) Math.min(64, count - written[0]));
                    pcap.flush();
                }
                if (samples.lost() > 0) {
                    System.err.println("xdp_sample_pkts: " + samples.lost() + " samples lost (perf buffer full)");
                }
            }
        }
        System.err.println("xdp_sample_pkts: " + written[0] + " packets written to " + file);
    }

    static XdpMode usage(String problem) {
        System.err.println("xdp_sample_pkts: " + problem);
        System.err.println("usage: xdp_sample_pkts.java --dev DEV -w FILE [--count N] [--duration SECONDS] [--mode native|skb] [--obj OBJECT]");
        System.exit(2);
        return null;
    }
}
