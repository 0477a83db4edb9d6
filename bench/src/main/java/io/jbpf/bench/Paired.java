package io.jbpf.bench;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Type;
import io.jbpf.BpfMap;
import io.jbpf.MapCursor;
import io.jbpf.MmapAccess;
import io.jbpf.MmapArray;
import io.jbpf.internal.sys.ElemCall;
import io.jbpf.uapi.UpdateFlags;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * jbpf and C ({@code bench/c/paired.c}) measured in one process, alternating: each round times a
 * run of jbpf and a run of C back to back (in turn which goes first) and keeps their ratio. On a
 * VM whose speed drifts by tens of per cent over seconds, separate runs of the two sides (JMH,
 * then ref) can differ by more than what is being measured; rounds milliseconds apart see the
 * same machine. The C loops are entered through jffi once per run, so the crossing costs nothing
 * per operation. Measured: single lookups and updates ({@link MapCursor}, N calls a run) and
 * full reads of the mmap'ed arrays ({@link MmapArray#getLong} per entry, against C's plain loop
 * over its own mapping of the same map).
 *
 * <pre>java -Djbpf.bench.pins=DIR -cp benchmarks.jar io.jbpf.bench.Paired LIBJBPFREF.so [--quick]</pre>
 *
 * prints {@code # jdk=FEATURE mechanism=jffi|ffm} (how MapCursor reaches the kernel on this JVM, see
 * ElemCall), then per benchmark: {@code paired/OP/MAP jbpf_ns c_ns ratio_median ratio_p25 ratio_p75
 * rounds}, ns per operation (one call, or one whole-array read), medians over the rounds.
 */
public final class Paired {
    private static final int CALLS = 20_000;
    /** Whole-array reads per run: about a millisecond of work for 65,536 entries. */
    private static final int READS_64K = 20;
    private static final int WARMUP_ROUNDS = 10;
    /** Where the values read go, so that the reads stay (C sums them too). */
    static volatile long sink;

    private final Invoker invoker = Invoker.getInstance();
    private final CallContext ctx2;
    private final CallContext ctx4;
    private final CallContext ctx5;
    private final long loop;
    private final long map;
    private final long mmapSum;
    private final int rounds;

    private Paired(Library lib, int rounds) {
        this.ctx2 = context(2);
        this.ctx4 = context(4);
        this.ctx5 = context(5);
        this.loop = lib.getSymbolAddress("jbpf_ref_loop");
        this.map = lib.getSymbolAddress("jbpf_ref_map");
        this.mmapSum = lib.getSymbolAddress("jbpf_ref_mmap_sum");
        this.rounds = rounds;
    }

    /** A jffi call context for a C function taking {@code arity} int64 arguments and returning int64. */
    static CallContext context(int arity) {
        Type[] params = new Type[arity];
        Arrays.fill(params, Type.SINT64);
        return CallContext.getCallContext(Type.SINT64, params, CallingConvention.DEFAULT, false);
    }

    /** The C side's shared library, loaded now, or an exception naming it. */
    static Library library(String path) {
        Library lib = Library.openLibrary(path, Library.NOW);
        if (lib == null) {
            throw new IllegalStateException("cannot open " + path + ": " + Library.getLastError());
        }
        return lib;
    }

    public static void main(String[] args) {
        boolean quick = args.length > 1 && args[1].equals("--quick");
        Library lib = library(args[0]);
        Paired p = new Paired(lib, quick ? 41 : 101);
        System.out.println("# jdk=" + Runtime.version().feature() + " mechanism=" + ElemCall.mechanism());
        try (BenchMaps maps = BenchMaps.open()) {
            for (String op : new String[] {"lookup", "update"}) {
                for (String name : new String[] {"arr256", "hash64k", "pcpu256"}) {
                    p.single(op, name, maps.map(name));
                }
            }
            for (String name : new String[] {"arr256", "arr64k"}) {
                p.mmap(name, maps.map(name));
            }
        }
    }

    /** {@code rounds} rounds of one jbpf run and one C run, each returning its elapsed ns; prints the row. */
    private void alternate(String row, long opsPerRun, LongSupplier jbpf, LongSupplier c) {
        double[] ratio = new double[rounds];
        double[] j = new double[rounds];
        double[] k = new double[rounds];
        for (int r = -WARMUP_ROUNDS; r < rounds; r++) {
            long tj;
            long tc;
            if ((r & 1) == 0) {
                tj = jbpf.getAsLong();
                tc = c.getAsLong();
            } else {
                tc = c.getAsLong();
                tj = jbpf.getAsLong();
            }
            if (tc < 0) {
                throw new IllegalStateException(row + ": C side failed: errno " + -tc);
            }
            if (r >= 0) {
                j[r] = (double) tj / opsPerRun;
                k[r] = (double) tc / opsPerRun;
                ratio[r] = j[r] / k[r];
            }
        }
        Arrays.sort(ratio);
        Arrays.sort(j);
        Arrays.sort(k);
        System.out.printf(java.util.Locale.ROOT, "paired/%s %.2f %.2f %.4f %.4f %.4f %d%n", row, j[rounds / 2],
                k[rounds / 2], ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4], rounds);
    }

    private void single(String op, String name, BpfMap bpfMap) {
        try (MapCursor cursor = bpfMap.cursor()) {
            single(op, name, bpfMap, cursor);
        }
    }

    private void single(String op, String name, BpfMap bpfMap, MapCursor cursor) {
        boolean update = op.equals("update");
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
        long cKeyAddr = MemoryIO.getInstance().getDirectBufferAddress(cKey);
        long cValueAddr = MemoryIO.getInstance().getDirectBufferAddress(cValue);
        long[] counter = {0};
        alternate(op + "/" + name, CALLS, () -> {
            long sum = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < CALLS; i++) {
                if (update) {
                    value.putLong(0, ++counter[0]);
                    cursor.update(UpdateFlags.ANY);
                } else if (!cursor.lookup()) {
                    throw new IllegalStateException("key vanished");
                }
                sum += value.getLong(0);
            }
            long t = System.nanoTime() - t0;
            sink = sum;
            return t;
        }, () -> invoker.invokeN5(ctx5, loop, update ? 1 : 0, bpfMap.fd(), cKeyAddr, cValueAddr, CALLS));
        value.put(0, saved);
        cursor.update(UpdateFlags.ANY);
    }

    private static void check(String name, long jbpf, long c) {
        if (jbpf != c) {
            throw new IllegalStateException(name + ": jbpf summed " + jbpf + ", C " + c);
        }
    }

    private void mmap(String name, BpfMap bpfMap) {
        int entries = bpfMap.maxEntries();
        int reads = Math.max(1, READS_64K * 65_536 / entries);
        long length = (long) bpfMap.valueStride() * entries;
        long cMem = invoker.invokeN2(ctx2, map, bpfMap.fd(), length);
        if (cMem < 0) {
            throw new IllegalStateException(name + ": C mmap failed: errno " + -cMem);
        }
        ByteBuffer cSum = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
        long cSumAddr = MemoryIO.getInstance().getDirectBufferAddress(cSum);
        try (MmapArray a = bpfMap.mmap(MmapAccess.READ_ONLY)) {
            LongSupplier c = () -> invoker.invokeN4(ctx4, mmapSum, cMem, entries, reads, cSumAddr);
            long[] last = {0};
            alternate("mmap/" + name, reads, () -> {
                long sum = 0;
                long total = 0;
                long t0 = System.nanoTime();
                for (int r = 0; r < reads; r++) {
                    sum = 0;
                    for (int i = 0; i < entries; i++) {
                        sum += a.getLong(i, 0);
                    }
                    total += sum;
                }
                long t = System.nanoTime() - t0;
                sink = total;
                last[0] = sum;
                return t;
            }, c);
            check(name, last[0], cSum.getLong(0));
        }
    }
}
