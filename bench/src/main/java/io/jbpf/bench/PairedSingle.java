package io.jbpf.bench;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;
import io.jbpf.BpfMap;
import io.jbpf.MapCursor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Single lookups and updates, jbpf ({@link MapCursor}) and C ({@code bench/c/paired.c}) in one
 * process, alternating: each round times N jbpf calls and N C calls back to back (in turn which
 * goes first) and keeps their ratio. On a VM whose speed drifts by tens of percent over seconds,
 * separate runs of the two sides (JMH, then ref) can differ by more than the cost being measured;
 * rounds a few milliseconds apart see the same machine. The C loop is entered through jffi once
 * per round, so the crossing costs nothing per call.
 *
 * <pre>java -Djbpf.bench.pins=DIR -cp benchmarks.jar io.jbpf.bench.PairedSingle LIBJBPFREF.so [--quick]</pre>
 *
 * prints {@code # jdk=FEATURE mechanism=jffi|ffm} (how MapCursor reaches the kernel on this JVM, see
 * ElemCall), then per benchmark: {@code paired/OP/MAP jbpf_ns c_ns ratio_median ratio_p25 ratio_p75 rounds} (ns: medians over
 * the rounds).
 */
public final class PairedSingle {
    private static final int N = 20_000;
    /** Where the values read go, so that the reads stay (C sums them too). */
    static volatile long sink;

    private PairedSingle() {
    }

    public static void main(String[] args) {
        boolean quick = args.length > 1 && args[1].equals("--quick");
        int rounds = quick ? 41 : 101;
        Library lib = Library.openLibrary(args[0], Library.NOW);
        if (lib == null) {
            throw new IllegalStateException("cannot open " + args[0] + ": " + Library.getLastError());
        }
        long loop = lib.getSymbolAddress("jbpf_ref_loop");
        Type[] params = new Type[5];
        Arrays.fill(params, Type.SINT64);
        CallContext ctx = CallContext.getCallContext(Type.SINT64, params, CallingConvention.DEFAULT, false);
        System.out.println("# jdk=" + Runtime.version().feature() + " mechanism=" + io.jbpf.internal.sys.ElemCall.mechanism());
        try (BenchMaps maps = BenchMaps.open()) {
            for (String op : new String[] {"lookup", "update"}) {
                for (String name : new String[] {"arr256", "hash64k", "pcpu256"}) {
                    run(op, name, maps.map(name), rounds, ctx, loop);
                }
            }
        }
    }

    private static void run(String op, String name, BpfMap map, int rounds, CallContext ctx, long loop) {
        boolean update = op.equals("update");
        MapCursor cursor = map.cursor();
        ByteBuffer value = cursor.value();
        cursor.key().putInt(0, BenchMaps.KEY);
        if (!cursor.lookup()) {
            throw new IllegalStateException(name + ": key " + BenchMaps.KEY + " missing");
        }
        byte[] saved = new byte[value.capacity()];
        value.get(0, saved);
        // C's own key and value buffers, as ref.c has.
        ByteBuffer cKey = ByteBuffer.allocateDirect(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, BenchMaps.KEY);
        ByteBuffer cValue = ByteBuffer.allocateDirect(value.capacity());
        long cKeyAddr = com.kenai.jffi.MemoryIO.getInstance().getDirectBufferAddress(cKey);
        long cValueAddr = com.kenai.jffi.MemoryIO.getInstance().getDirectBufferAddress(cValue);
        Invoker invoker = Invoker.getInstance();
        double[] ratio = new double[rounds];
        double[] jbpf = new double[rounds];
        double[] c = new double[rounds];
        long counter = 0;
        long sum = 0;
        int warmup = 10;
        for (int r = -warmup; r < rounds; r++) {
            long tj = 0;
            long tc = 0;
            for (int half = 0; half < 2; half++) {
                if (((r + half) & 1) == 0) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < N; i++) {
                        if (update) {
                            value.putLong(0, ++counter);
                            cursor.update(BpfMap.BPF_ANY);
                        } else if (!cursor.lookup()) {
                            throw new IllegalStateException("key vanished");
                        }
                        sum += value.getLong(0);
                    }
                    tj = System.nanoTime() - t0;
                } else {
                    tc = invoker.invokeN5(ctx, loop, update ? 1 : 0, map.fd(), cKeyAddr, cValueAddr, N);
                    if (tc < 0) {
                        throw new IllegalStateException("C loop failed: errno " + -tc);
                    }
                }
            }
            if (r >= 0) {
                jbpf[r] = (double) tj / N;
                c[r] = (double) tc / N;
                ratio[r] = jbpf[r] / c[r];
            }
        }
        sink = sum;
        value.put(0, saved);
        cursor.update(BpfMap.BPF_ANY);
        Arrays.sort(ratio);
        Arrays.sort(jbpf);
        Arrays.sort(c);
        System.out.printf(java.util.Locale.ROOT, "paired/%s/%s %.2f %.2f %.4f %.4f %.4f %d%n", op, name, jbpf[rounds / 2],
                c[rounds / 2], ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4], rounds);
    }
}
