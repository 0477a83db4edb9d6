package io.jbpf.cli;

import io.jbpf.BpfMap;
import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.link.BpfLink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A program, map or link named on the command line the way bpftool names them: {@code id N},
 * {@code pinned PATH}, {@code name NAME} (programs and maps) or {@code tag TAG} (programs). A
 * name or tag may match several objects; commands that act on one say so when it does.
 *
 * @param kind  how the object is named
 * @param value the id, path, name or tag as given
 */
record ObjectRef(Kind kind, String value) {
    /** The ways to name an object, by the word that introduces them. */
    enum Kind {
        ID, PINNED, NAME, TAG;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The kinds of object and the ways each can be named. */
    enum Of {
        PROGRAM("PROG", Kind.ID, Kind.PINNED, Kind.TAG, Kind.NAME),
        MAP("MAP", Kind.ID, Kind.PINNED, Kind.NAME),
        LINK("LINK", Kind.ID, Kind.PINNED);

        final String label;
        final List<Kind> kinds;

        Of(String label, Kind... kinds) {
            this.label = label;
            this.kinds = List.of(kinds);
        }

        /** The syntax for usage messages: {@code { id ID | pinned PATH | name NAME }}. */
        String syntax() {
            return "{ " + String.join(" | ", kinds.stream().map(k -> k.word() + " " + (k == Kind.PINNED ? "PATH"
                    : k.name())).toList()) + " }";
        }
    }

    /**
     * Reads the reference at {@code words[at]} and {@code words[at + 1]}.
     *
     * @throws IllegalArgumentException (a usage error) when the words name no object of {@code of}
     */
    static ObjectRef parse(List<String> words, int at, Of of) {
        if (at >= words.size()) {
            throw new IllegalArgumentException("missing " + of.label + ": " + of.syntax());
        }
        String w = words.get(at);
        Kind kind = of.kinds.stream().filter(k -> k.word().equals(w)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("expected " + of.label + " as " + of.syntax() + ", got '" + w + "'"));
        if (at + 1 >= words.size()) {
            throw new IllegalArgumentException("'" + w + "' needs a value: " + of.syntax());
        }
        String v = words.get(at + 1);
        if (kind == Kind.ID) {
            try {
                if (Integer.parseInt(v) <= 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + v + "' is not an id (a positive number)");
            }
        }
        if (kind == Kind.TAG && !v.matches("[0-9a-fA-F]{16}")) {
            throw new IllegalArgumentException("'" + v + "' is not a program tag (16 hex digits, as bpftool prints it)");
        }
        return new ObjectRef(kind, v);
    }

    @Override
    public String toString() {
        return kind.word() + " " + value;
    }

    /** Every program this names, open; the caller closes them. Empty when a name or tag matches none. */
    List<BpfProgram> programs() {
        return switch (kind) {
            case ID -> List.of(BpfProgram.fromId(Integer.parseInt(value)));
            case PINNED -> List.of(BpfProgram.fromPin(Path.of(value)));
            case NAME, TAG -> {
                List<BpfProgram> out = new ArrayList<>();
                for (int id : BpfProgram.ids()) {
                    BpfProgram p;
                    try {
                        p = BpfProgram.fromId(id);
                    } catch (BpfException e) {
                        continue; // unloaded since it was listed
                    }
                    KernelInfo.Program info = p.info();
                    if (kind == Kind.NAME ? info.name().equals(KernelInfo.kernelName(value))
                            : info.tag().equalsIgnoreCase(value)) {
                        out.add(p);
                    } else {
                        p.close();
                    }
                }
                yield out;
            }
        };
    }

    /** Every map this names, open; the caller closes them. Empty when a name matches none. */
    List<BpfMap> maps() {
        return switch (kind) {
            case ID -> List.of(BpfMap.fromId(Integer.parseInt(value)));
            case PINNED -> List.of(BpfMap.fromPin(Path.of(value)));
            case NAME, TAG -> DeviceMaps.named(BpfMap.ids(), value);
        };
    }

    /** The one program this names, open; an error when a name or tag matches none or several. */
    BpfProgram program() {
        return one(programs(), "program", BpfProgram::id, BpfProgram::close);
    }

    /** The one map this names, open; an error when a name matches none or several. */
    BpfMap map() {
        return one(maps(), "map", BpfMap::id, BpfMap::close);
    }

    /** The link this names, open. */
    BpfLink link() {
        return kind == Kind.ID ? BpfLink.fromId(Integer.parseInt(value)) : BpfLink.fromPin(Path.of(value));
    }

    private <T> T one(List<T> found, String noun, java.util.function.ToIntFunction<T> id,
                      java.util.function.Consumer<T> close) {
        if (found.size() == 1) {
            return found.get(0);
        }
        List<Integer> ids = found.stream().map(id::applyAsInt).toList();
        found.forEach(close);
        throw new BpfException(found.isEmpty() ? "no " + noun + " with " + this
                : "several " + noun + "s match " + this + " (ids " + ids + "); name one with id ID");
    }
}
