package io.jbpf.cli;

import io.jbpf.BpfMap;
import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.UpdateFlags;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code jbpf map ...}: the maps in the kernel, as bpftool map shows them, and their entries. */
final class MapCommand extends CliCommand {
    /** What a key or value can be given as, for usage texts. */
    static final String DATA = "DATA is hex BYTES, BYTES (1 0 0 0, 0x01 0x00 ...), FIELD=VALUE words (a 6-byte array also takes a MAC, "
            + "mac=aa:bb:cc:dd:ee:ff), or one JSON word "
            + "(typed by the map's BTF)";

    MapCommand() {
        super("map", "Work with BPF maps (as bpftool map).", "MAP is " + ObjectRef.Of.MAP.syntax() + "; " + DATA + ".");
        sub("show", new Show("show"));
        sub("list", new Show("list"));
        sub("dump", new MapDumpCommand());
        sub("lookup", new Entry(Op.LOOKUP));
        sub("update", new Entry(Op.UPDATE));
        sub("delete", new Entry(Op.DELETE));
        sub("pin", new Pin());
    }

    @Override
    public Integer call() {
        throw usageError("missing map command (list, show, dump, lookup, update, delete, pin)");
    }

    /** {@code map show [MAP]} and its alias {@code map list}. */
    static final class Show extends CliCommand {
        private final PositionalParamSpec words = words(0, "0..2", "MAP",
                "the map: " + ObjectRef.Of.MAP.syntax() + "; every map when omitted");
        private final OptionSpec json = flag("print as JSON, with bpftool's field names", "--json", "-j");

        Show(String name) {
            super(name, "Show maps: id, type, name, flags, key and value sizes, max_entries.");
        }

        @Override
        public Integer call() {
            List<String> w = Words.of(words);
            List<BpfMap> maps = new ArrayList<>();
            if (w.isEmpty()) {
                for (int id : BpfMap.ids()) {
                    try {
                        maps.add(BpfMap.fromId(id));
                    } catch (BpfException e) {
                        // freed since it was listed
                    }
                }
            } else {
                ObjectRef ref = Words.ref(this, w, 0, ObjectRef.Of.MAP);
                Words.noMore(this, w, 2);
                maps.addAll(ref.maps());
                if (maps.isEmpty()) {
                    throw new BpfException("no map with " + ref);
                }
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try {
                for (BpfMap m : maps) {
                    rows.add(mapRow(m));
                }
            } finally {
                maps.forEach(BpfMap::close);
            }
            PrintWriter out = out();
            if (isSet(json)) {
                out.println(Json.write(w.isEmpty() || rows.size() != 1 || w.get(0).equals("name") ? rows : rows.get(0)));
            } else {
                rows.forEach(r -> text(out, r));
            }
            return 0;
        }
    }

    /** bpftool's fields for one map (map show -j), read now from the kernel. */
    static Map<String, Object> mapRow(BpfMap m) {
        KernelInfo.Map info = KernelInfo.map(m.fd(), "map id " + m.id());
        Map<String, String> fdinfo = FdInfo.of(m.fd());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", info.id());
        r.put("type", Names.of(info.type()));
        if (!info.name().isEmpty()) {
            r.put("name", info.name());
        }
        r.put("flags", MapFlag.toBits(info.flags()));
        r.put("bytes_key", info.keySize());
        r.put("bytes_value", info.valueSize());
        r.put("max_entries", Integer.toUnsignedLong(info.maxEntries()));
        r.put("bytes_memlock", FdInfo.number(fdinfo, "memlock"));
        r.put("frozen", (int) FdInfo.number(fdinfo, "frozen"));
        if (info.btfId() != 0) {
            r.put("btf_id", info.btfId());
        }
        return r;
    }

    /** bpftool map show's text layout for one map. */
    static void text(PrintWriter out, Map<String, Object> r) {
        out.println(r.get("id") + ": " + r.get("type") + "  " + (r.containsKey("name") ? "name " + r.get("name") + "  " : "")
                + "flags 0x" + Integer.toHexString((Integer) r.get("flags")));
        out.println("\tkey " + r.get("bytes_key") + "B  value " + r.get("bytes_value") + "B  max_entries "
                + r.get("max_entries") + "  memlock " + r.get("bytes_memlock") + "B");
        boolean frozen = !Integer.valueOf(0).equals(r.get("frozen"));
        if (r.containsKey("btf_id") || frozen) {
            out.println("\t" + (r.containsKey("btf_id") ? "btf_id " + r.get("btf_id") : "")
                    + (frozen ? (r.containsKey("btf_id") ? "  " : "") + "frozen" : ""));
        }
    }

    /** The element commands. */
    enum Op {
        LOOKUP("Print the value of one key."),
        UPDATE("Create or replace one entry."),
        DELETE("Delete one key.");

        final String description;

        Op(String description) {
            this.description = description;
        }
    }

    /** {@code map lookup|update|delete MAP key DATA [value DATA [any|noexist|exist]]}. */
    static final class Entry extends CliCommand {
        private final Op op;
        private final PositionalParamSpec words;
        private final OptionSpec json;

        Entry(Op op) {
            super(op.name().toLowerCase(Locale.ROOT), op.description, DATA + ". Values of per-CPU maps are written to "
                    + "every CPU.");
            this.op = op;
            words = words(0, "1..*", op == Op.UPDATE ? "MAP key DATA value DATA [any|noexist|exist]" : "MAP key DATA",
                    "the map (" + ObjectRef.Of.MAP.syntax() + "), then the key"
                            + (op == Op.UPDATE ? ", the value, and whether to create or replace (default any)" : ""));
            json = op == Op.LOOKUP ? flag("print as JSON", "--json", "-j") : null;
        }

        @Override
        public Integer call() {
            List<String> w = Words.of(words);
            ObjectRef ref = Words.ref(this, w, 0, ObjectRef.Of.MAP);
            if (w.size() < 4 || !w.get(2).equals("key")) {
                throw usageError("expected 'key DATA' after " + ref);
            }
            int valueAt = op == Op.UPDATE ? w.indexOf("value") : -1;
            if (op == Op.UPDATE && valueAt < 0) {
                throw usageError("expected 'value DATA' after the key");
            }
            UpdateFlags flags = UpdateFlags.ANY;
            int end = w.size();
            if (op == Op.UPDATE) {
                String last = w.get(w.size() - 1);
                switch (last) {
                    case "any" -> end--;
                    case "noexist" -> {
                        flags = UpdateFlags.NOEXIST;
                        end--;
                    }
                    case "exist" -> {
                        flags = UpdateFlags.EXIST;
                        end--;
                    }
                    default -> {
                    }
                }
            }
            try (BpfMap map = ref.map()) {
                MapDumpCommand.Typing t = MapDumpCommand.typing(map, null, null);
                byte[] key;
                byte[] value = null;
                try {
                    key = MapData.parse(w.subList(3, op == Op.UPDATE ? valueAt : end), map.keySize(), t.btf(), t.keyType(),
                            "key");
                    if (op == Op.UPDATE) {
                        value = perCpu(map, MapData.parse(w.subList(valueAt + 1, end), map.valueSize(), t.btf(),
                                t.valueType(), "value"));
                    }
                } catch (IllegalArgumentException e) {
                    throw usageError("map " + map.info().name() + " (id " + map.id() + "): " + e.getMessage());
                }
                PrintWriter out = out();
                switch (op) {
                    case LOOKUP -> {
                        byte[] v = map.lookup(key);
                        if (v == null) {
                            throw new BpfException("map " + map.info().name() + " (id " + map.id() + "): no entry for key "
                                    + String.join(" ", w.subList(3, end)), Errno.ENOENT);
                        }
                        Map<String, Object> row = MapDumpCommand.row(map, t, key, v);
                        if (isSet(json)) {
                            out.println(Json.write(row));
                        } else {
                            MapDumpCommand.Printer.text(out, row);
                        }
                    }
                    case UPDATE -> map.update(key, value, flags);
                    case DELETE -> {
                        if (map.type().name().contains("ARRAY")) {
                            throw new BpfException("map " + map.info().name() + " (id " + map.id() + ") is "
                                    + map.type().kernelName() + ": array entries always exist and cannot be deleted; "
                                    + "update the entry to zero instead", Errno.EINVAL);
                        }
                        if (!map.delete(key)) {
                            throw new BpfException("map " + map.info().name() + " (id " + map.id() + "): no entry to delete",
                                    Errno.ENOENT);
                        }
                    }
                    default -> throw new AssertionError(op);
                }
            }
            return 0;
        }

        /** A per-CPU map's value buffer with {@code v} in every CPU's slot; {@code v} itself for other maps. */
        private static byte[] perCpu(BpfMap map, byte[] v) {
            if (!map.perCpu()) {
                return v;
            }
            byte[] all = new byte[map.valueBufferSize()];
            for (int at = 0; at < all.length; at += map.valueStride()) {
                System.arraycopy(v, 0, all, at, v.length);
            }
            return all;
        }
    }

    /** {@code map pin MAP FILE}. */
    static final class Pin extends CliCommand {
        private final PositionalParamSpec words = words(0, "3", "MAP FILE",
                "the map (" + ObjectRef.Of.MAP.syntax() + ") and the bpffs path to pin it at");

        Pin() {
            super("pin", "Pin a map in bpffs, so it outlives the programs and processes that use it.");
        }

        @Override
        public Integer call() {
            List<String> w = Words.of(words);
            ObjectRef ref = Words.ref(this, w, 0, ObjectRef.Of.MAP);
            Path file = Path.of(w.get(2));
            try (BpfMap m = ref.map()) {
                m.pin(file);
                out().println("Pinned map " + m.id() + " (" + m.info().name() + ") at " + file);
            }
            return 0;
        }
    }
}
