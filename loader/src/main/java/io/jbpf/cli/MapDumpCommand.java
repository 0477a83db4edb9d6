package io.jbpf.cli;

import io.jbpf.common.BpfException;
import io.jbpf.BpfMap;
import io.jbpf.KernelInfo;
import io.jbpf.MapBatch;
import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfFormatter;
import io.jbpf.internal.sys.PossibleCpus;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.MapSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code jbpf map dump}: every entry of a live map, typed by BTF when the kernel or the object
 * file has it. The map is found by id, by bpffs pin, by the program attached to a device, or by
 * name among all maps; an object file given as OBJ supplies the types.
 */
final class MapDumpCommand extends CliCommand {

    /** Bytes of key and value buffers a dump reads into: a few MiB, room for one entry at least. */
    private static final long BATCH_BYTES = 4L << 20;

    private final PositionalParamSpec sourceArg = words(0, "0..2", "MAP|OBJ|PIN",
            "the map as bpftool names it (" + ObjectRef.Of.MAP.syntax() + "), or the object file the map came from "
                    + "(for its types), or a map pinned in bpffs");
    private final OptionSpec mapOpt = option("NAME", String.class, "map name", "--map");
    private final OptionSpec deviceOpt = option("DEV", String.class, "use the maps of the XDP program on DEV", "--dev", "-d");
    private final OptionSpec idOpt = checked("ID", Integer.class, new IntRangeConverter(1, Integer.MAX_VALUE, "a map id"),
            null, "map id", "--id");
    private final OptionSpec jsonOpt = flag("print as JSON", "--json");

    private String mapName;
    private String device;
    private Integer id;

    MapDumpCommand() {
        super("dump", "Print every entry of a map.");
        spec.usageMessage().footer("", "Select the map with one of: id ID, pinned PATH or name NAME (as bpftool map dump), "
                + "--map NAME (among the maps of the XDP program on DEV with --dev DEV), --id ID, or PIN, the path of a map "
                + "pinned in bpffs.");
    }

    @Override
    public Integer call() {
        List<String> words = Words.of(sourceArg);
        mapName = mapOpt.getValue();
        device = deviceOpt.getValue();
        id = idOpt.getValue();
        BpfObjectSpec objSpec = null;
        Path pin = null;
        if (words.size() == 2 || words.size() == 1 && ObjectRef.Of.MAP.kinds.stream().anyMatch(k -> k.word().equals(words.get(0)))) {
            // bpftool's words; a second selector among the options is reported below like any other
            ObjectRef ref = Words.ref(this, words, 0, ObjectRef.Of.MAP);
            switch (ref.kind()) {
                case ID -> id = select(id, Integer.valueOf(ref.value()), "--id " + id, ref);
                case PINNED -> pin = Path.of(ref.value());
                default -> mapName = select(mapName, ref.value(), "--map " + mapName, ref);
            }
        } else if (words.size() == 1) {
            Path source = Path.of(words.get(0));
            if (isElf(source)) {
                objSpec = BpfObjectSpec.read(source);
            } else {
                pin = source;
            }
        }
        String problem = MapSelection.problem(pin, id, mapName, device);
        if (problem != null) {
            throw usageError(problem);
        }
        try (BpfMap map = locate(pin)) {
            Typing typing = typing(map, objSpec, mapName);
            // Batch reads, one system call per many entries, into buffers sized by bytes rather
            // than by max_entries (a sparse map of large values would otherwise take gigabytes);
            // each entry is printed as soon as it is read, so memory does not grow with the map.
            Printer printer = new Printer(map, out(), isSet(jsonOpt));
            int ks = map.keySize();
            int vs = map.valueBufferSize();
            try (MapBatch batch = map.batchWithin(BATCH_BYTES)) {
                for (int n = batch.read(); n > 0; n = batch.read()) {
                    for (int i = 0; i < n; i++) {
                        byte[] k = new byte[ks];
                        byte[] v = new byte[vs];
                        batch.keys().get(i * ks, k);
                        batch.values().get(i * vs, v);
                        printer.row(row(map, typing, k, v));
                    }
                }
            } catch (RuntimeException e) {
                printer.abort();
                throw e;
            }
            printer.end();
        }
        return 0;
    }

    /** {@code fromWords} unless the option gave a value too: then both were given, a usage error. */
    private <T> T select(T fromOption, T fromWords, String option, ObjectRef ref) {
        if (fromOption != null) {
            throw usageError("select one map: " + option + " and " + ref + " were both given");
        }
        return fromWords;
    }

    private BpfMap locate(Path pin) {
        if (id != null) {
            return BpfMap.fromId(id);
        }
        if (pin != null) {
            return BpfMap.fromPin(pin);
        }
        List<BpfMap> matches = DeviceMaps.named(device != null ? DeviceMaps.ofXdpProgram(device, "maps to dump")
                : BpfMap.ids(), mapName);
        if (matches.size() == 1) {
            return matches.get(0);
        }
        String ids2 = matches.stream().map(m -> String.valueOf(m.id())).toList().toString();
        matches.forEach(BpfMap::close);
        String where = device != null ? "used by the XDP program on " + device : "loaded";
        throw new BpfException(matches.isEmpty() ? "no map named '" + mapName + "' " + where
                : "several maps named '" + mapName + "' " + where + " (ids " + ids2 + "); pick one with --id");
    }

    /**
     * The map's BTF, formatter and key/value type ids, or nulls when only hex can be shown (a
     * type id is 0 when that half has no type).
     */
    record Typing(Btf btf, BtfFormatter formatter, int keyType, int valueType) {
    }

    /** The types of {@code map}: from its kernel BTF, else from {@code objSpec}'s map {@code mapName} (both may be null). */
    static Typing typing(BpfMap map, BpfObjectSpec objSpec, String mapName) {
        KernelInfo.Map info = map.info();
        if (info.btfId() != 0 && info.btfValueTypeId() != 0) {
            try {
                Btf btf = Btf.parse("BTF of map " + info.name(), KernelInfo.btfById(info.btfId()));
                return new Typing(btf, new BtfFormatter(btf), info.btfKeyTypeId(), info.btfValueTypeId());
            } catch (BpfException e) {
                // fall through to the object file's BTF or hex
            }
        }
        if (objSpec != null && objSpec.kernelBtf().isPresent()) {
            MapSpec ms = objSpec.maps().get(mapName != null ? mapName : info.name());
            if (ms != null && ms.btfValueTypeId() != 0) {
                // The BTF as loaded, not as clang wrote it: clang leaves a DATASEC's variable offsets
                // zero, so global-data values need the filled-in layout (type ids are the same).
                Btf btf = Btf.parse(objSpec.source() + ": .BTF", objSpec.kernelBtf().get());
                return new Typing(btf, new BtfFormatter(btf), ms.btfKeyTypeId(), ms.btfValueTypeId());
            }
        }
        return new Typing(null, null, 0, 0);
    }

    /** One entry as a value tree: key and value (or per-CPU values and their total), typed where BTF allows. */
    static Map<String, Object> row(BpfMap map, Typing t, byte[] key, byte[] value) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("key", t.formatter() != null && t.keyType() != 0 ? t.formatter().format(t.keyType(), key, 0)
                : BtfFormatter.hex(key, 0, key.length));
        if (!map.perCpu()) {
            r.put("value", format(t, value, 0, map.valueSize()));
            return r;
        }
        int slot = map.valueStride();
        List<Object> values = new ArrayList<>();
        List<Object> slots = new ArrayList<>();
        for (int i = 0; i * slot < value.length; i++) {
            Object v = format(t, value, i * slot, map.valueSize());
            slots.add(v);
            Map<String, Object> cv = new LinkedHashMap<>();
            cv.put("cpu", Cpus.IDS[i]); // slot i is the i-th possible CPU, not CPU i on a sparse mask
            cv.put("value", v);
            values.add(cv);
        }
        r.put("values", values);
        Object total = sum(slots);
        if (total != null) {
            r.put("total", total);
        }
        return r;
    }

    /** The possible CPUs' numbers, read when a per-CPU value is first shown (BpfMap has read them by then). */
    private static final class Cpus {
        static final int[] IDS = PossibleCpus.ids();
    }

    private static Object format(Typing t, byte[] bytes, int off, int len) {
        return t.formatter() != null ? t.formatter().format(t.valueType(), bytes, off) : BtfFormatter.hex(bytes, off, len);
    }

    /** Field-wise sum of per-CPU values made only of integers (counters); null for anything else. */
    private static Object sum(List<Object> values) {
        Object acc = null;
        for (Object v : values) {
            acc = acc == null ? v : add(acc, v);
            if (acc == null) {
                return null;
            }
        }
        return acc;
    }

    private static Object add(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y && !(a instanceof Double)) {
            BigInteger s = new BigInteger(x.toString()).add(new BigInteger(y.toString()));
            return s.bitLength() < 64 ? (Object) s.longValue() : s;
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                Object s = add(e.getValue(), mb.get(e.getKey()));
                if (s == null) {
                    return null;
                }
                out.put(String.valueOf(e.getKey()), s);
            }
            return out;
        }
        return null;
    }

    /**
     * Prints rows as they come: JSON as one array (the same text as writing the whole list at
     * once), text as a header line, a line per entry and the count at the end.
     */
    static final class Printer {
        private final PrintWriter out;
        private final boolean json;
        private int rows;

        Printer(BpfMap map, PrintWriter out, boolean json) {
            this.out = out;
            this.json = json;
            if (json) {
                out.print('[');
            } else {
                out.println("map " + map.info().name() + " (id " + map.id() + ", " + map.type().kernelName() + ", key "
                        + map.keySize() + " B, value " + map.valueSize() + " B, max_entries " + Integer.toUnsignedString(map.maxEntries()) + "):");
            }
        }

        void row(Map<String, Object> r) {
            if (json) {
                out.print(rows > 0 ? "," + Json.write(r) : Json.write(r));
            } else {
                text(out, r);
            }
            rows++;
        }

        /** One entry in text: {@code key: K  value: V}, per-CPU values one line each. */
        static void text(PrintWriter out, Map<String, Object> r) {
            if (r.containsKey("value")) {
                out.println("key: " + Json.text(r.get("key")) + "  value: " + Json.text(r.get("value")));
            } else {
                out.println("key: " + Json.text(r.get("key")));
                for (Object o : (List<?>) r.get("values")) {
                    Map<?, ?> cv = (Map<?, ?>) o;
                    out.println("  cpu" + Text.left(cv.get("cpu"), 3) + " " + Json.text(cv.get("value")));
                }
                if (r.containsKey("total")) {
                    out.println("  total  " + Json.text(r.get("total")));
                }
            }
        }

        void end() {
            out.println(json ? "]" : rows + (rows == 1 ? " entry" : " entries"));
        }

        /**
         * After a failed read: JSON output stays one valid array of the rows printed (the error and
         * exit code 1 say it is incomplete); text gets no count line, which would read as complete.
         */
        void abort() {
            if (json) {
                out.println("]");
            }
            out.flush();
        }
    }

    private static boolean isElf(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        } catch (IOException e) {
            return false; // not a readable regular file: try it as a bpffs pin
        }
    }
}
