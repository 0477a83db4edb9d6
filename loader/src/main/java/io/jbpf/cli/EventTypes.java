package io.jbpf.cli;

import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfFormatter;
import io.jbpf.btf.BtfKind;
import io.jbpf.btf.BtfType;
import io.jbpf.common.BpfException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which BTF struct a ring or perf buffer record of {@code jbpf run} is, and the record decoded
 * through it ({@link BtfFormatter}, as {@code map dump} shows values): the struct named by
 * {@code --event-type}, else the one struct of the object whose size fits the record's length,
 * else none (the record is shown in hex).
 *
 * <p>A ring buffer record is as long as the program made it. A perf buffer record is padded by the
 * kernel so that its raw sample (a u32 size, then the data) fills whole 8-byte words: a struct of
 * {@code s} bytes arrives as {@code roundUp(s + 4, 8) - 4} bytes ({@link #perfLength}), so a
 * perf record of 36 bytes fits structs of 29 to 36 bytes, and the choice is made among those.
 */
final class EventTypes {
    /** A struct records can be: its type id, the name users know it by (struct or typedef) and size. */
    record Struct(int id, String name, int size) {
        @Override
        public String toString() {
            return name + " (" + size + " B)";
        }
    }

    /** A decoded record: {@code type} null when no struct fits and {@code value} is the hex of the bytes. */
    record Decoded(String type, Object value) {
    }

    private final BtfFormatter formatter;
    private final List<Struct> structs;
    private final Struct forced;
    /** The struct chosen for a record length, per kind of buffer (null: none fits). */
    private final Map<Integer, Struct> ringChoice = new HashMap<>();
    private final Map<Integer, Struct> perfChoice = new HashMap<>();
    /** Record lengths (negative for perf records) whose hex has been explained already. */
    private final java.util.Set<Integer> explained = new java.util.HashSet<>();

    private EventTypes(BtfFormatter formatter, List<Struct> structs, Struct forced) {
        this.formatter = formatter;
        this.structs = structs;
        this.forced = forced;
    }

    /**
     * The types of an object whose BTF is {@code btf} (null when it has none), records forced to
     * struct {@code eventType} when that is not null.
     *
     * @param file the object or source, for messages
     * @throws BpfException when {@code eventType} names no struct of the BTF (listing those there are)
     */
    static EventTypes of(Btf btf, String eventType, String file) {
        List<Struct> structs = btf == null ? List.of() : structs(btf);
        Struct forced = null;
        if (eventType != null) {
            if (btf == null) {
                throw new BpfException(file + " has no BTF (compile it with -g) to find --event-type " + eventType
                        + " in: drop --event-type to see records in hex");
            }
            forced = structs.stream().filter(s -> s.name().equals(eventType)).findFirst().orElseThrow(() ->
                    new BpfException("--event-type " + eventType + ": " + file + " has no struct of that name; its structs are "
                            + (structs.isEmpty() ? "none" : structs.stream().map(Struct::toString)
                            .collect(Collectors.joining(", ")))));
        }
        return new EventTypes(btf == null ? null : new BtfFormatter(btf), structs, forced);
    }

    /**
     * The named structs of {@code btf} (a typedef names an anonymous struct), each once, in id
     * order: what a record can be.
     */
    static List<Struct> structs(Btf btf) {
        Map<Integer, Struct> byId = new LinkedHashMap<>();
        for (BtfType t : btf.types()) {
            if (t.kind() == BtfKind.STRUCT && !t.name().isEmpty()) {
                byId.putIfAbsent(t.id(), new Struct(t.id(), t.name(), t.size()));
            } else if (t.kind() == BtfKind.TYPEDEF) {
                int target = btf.skipQualifiers(t.id());
                BtfType s = btf.type(target);
                if (s != null && s.kind() == BtfKind.STRUCT && s.name().isEmpty()) {
                    byId.putIfAbsent(target, new Struct(target, t.name(), s.size()));
                }
            }
        }
        return List.copyOf(byId.values());
    }

    /** The length of the raw perf sample carrying a {@code size}-byte struct: the kernel pads it to 8-byte words. */
    static int perfLength(int size) {
        return ((size + 4 + 7) & ~7) - 4;
    }

    /** The structs a record of {@code length} bytes may be: the same size, or for perf records, padded to it. */
    List<Struct> fitting(int length, boolean perf) {
        List<Struct> out = new ArrayList<>();
        for (Struct s : structs) {
            if (perf ? perfLength(s.size()) == length : s.size() == length) {
                out.add(s);
            }
        }
        return out;
    }

    /** The struct records of {@code length} bytes are shown as: the forced one, else the one that fits, else null. */
    Struct choose(int length, boolean perf) {
        if (forced != null) {
            return forced;
        }
        return (perf ? perfChoice : ringChoice).computeIfAbsent(length, n -> {
            List<Struct> fit = fitting(n, perf);
            return fit.size() == 1 ? fit.get(0) : null;
        });
    }

    /**
     * The first {@code length} bytes of {@code bytes} as the struct {@link #choose} picks, or in hex
     * when none fits or the record is shorter than the struct (a forced type that is not the record's).
     */
    Decoded decode(byte[] bytes, int length, boolean perf) {
        Struct s = choose(length, perf);
        if (s != null && s.size() <= length) {
            try {
                return new Decoded(s.name(), formatter.format(s.id(), bytes, 0));
            } catch (BpfException e) {
                // a damaged type: the bytes are still worth showing
            }
        }
        return new Decoded(null, BtfFormatter.hex(bytes, 0, length));
    }

    /**
     * Why records of {@code length} bytes show in hex, the first time only (null after that, or
     * when they do not): several structs fit (name them, so that --event-type can pick one), none
     * does, or the forced struct is longer than the record.
     */
    String hexNote(int length, boolean perf) {
        Struct s = choose(length, perf);
        if (s != null && s.size() <= length || !explained.add(perf ? -length - 1 : length)) {
            return null;
        }
        String what = (perf ? "perf" : "ring") + " buffer records of " + length + " bytes";
        if (s != null) {
            return what + " are shorter than struct " + s + ": shown in hex";
        }
        List<Struct> fit = fitting(length, perf);
        if (fit.isEmpty()) {
            return what + (formatter == null ? " shown in hex: the object has no BTF (compile it with -g)"
                    : " fit no struct of the object's BTF: shown in hex (a struct only local variables use is not in "
                    + "BTF: declare a global of it, e.g. struct event *unused_event __attribute__((unused));)");
        }
        return what + " fit several structs (" + fit.stream().map(Struct::name).collect(Collectors.joining(", "))
                + "): shown in hex; pick one with --event-type NAME";
    }
}
