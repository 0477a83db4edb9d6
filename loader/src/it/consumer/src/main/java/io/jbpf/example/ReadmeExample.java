package io.jbpf.example;

import io.jbpf.BpfObject;
import io.jbpf.LoadOptions;
import io.jbpf.TypedMap;
import io.jbpf.link.IfAttached;
import io.jbpf.link.XdpLink;
import io.jbpf.link.XdpMode;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.uapi.XdpAction;
import java.nio.file.Path;
import java.util.List;

/**
 * The README's library example: the body of {@link #main} is the first java block under
 * "## Library" in README.md, character for character apart from indentation (ReadmeExampleTest
 * in loader checks that). The loader build runs it on the module path against an XDP device in
 * a network namespace (src/it/consumer/run-example.sh).
 */
public final class ReadmeExample {
    private ReadmeExample() {
    }

    /**
     * Attaches xdp_icmp_echo to a device and prints its counters once a second.
     *
     * @param args the device (default veth0) and how many seconds to count (default 10); run
     *             from the repository root, where bpf-src/build/xdp_icmp_echo.o is
     */
    public static void main(String[] args) throws InterruptedException {
        record DataRec(long rxPackets, long rxBytes) {}           // struct datarec of xdp_stats.h
        String device = args.length > 0 ? args[0] : "veth0";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        BpfObjectSpec spec = BpfObjectSpec.read(Path.of("bpf-src/build/xdp_icmp_echo.o")); // parsing only, no kernel
        try (BpfObject obj = BpfObject.load(spec, LoadOptions.defaults());
             XdpLink link = XdpLink.attach(obj.program("xdp_icmp_echo_func"), device, XdpMode.NATIVE, IfAttached.FAIL);
             TypedMap<Integer, DataRec> counters = obj.map("xdp_stats_map").typed(Integer.class, DataRec.class)) {
            System.out.println("attached " + link);
            for (int s = 1; s <= seconds; s++) {
                Thread.sleep(1000);
                for (XdpAction action : List.of(XdpAction.PASS, XdpAction.TX)) {
                    // a per-CPU map: one record per possible CPU, summed here
                    long packets = counters.getPerCpu(action.value).stream().mapToLong(DataRec::rxPackets).sum();
                    System.out.println(s + "s " + action.kernelName() + " " + packets + " packets");
                }
            }
        }   // closes the view, then the link (detaching the program if still ours), then the object
    }
}
