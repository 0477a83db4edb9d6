package io.jbpf.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which map {@code jbpf map dump} reads: exactly one of a bpffs pin, {@code --id ID} or
 * {@code --map NAME}; {@code --dev DEV} narrows {@code --map} to the maps of the program on DEV
 * and means nothing without it. An object file given as OBJ only supplies types.
 */
final class MapSelection {
    private MapSelection() {
    }

    /**
     * What is wrong with a selection, as a usage error's message, or null when it names one map.
     * {@code pin}, {@code id}, {@code mapName} and {@code device} are null when not given.
     */
    static String problem(Path pin, Integer id, String mapName, String device) {
        List<String> given = new ArrayList<>();
        if (pin != null) {
            given.add("the pinned path " + pin);
        }
        if (id != null) {
            given.add("--id " + id);
        }
        if (mapName != null) {
            given.add("--map " + mapName);
        }
        if (given.size() > 1) {
            return "select one map: " + String.join(", ", given.subList(0, given.size() - 1)) + " and "
                    + given.get(given.size() - 1) + " were all given; use only one of --map, --id and a pinned path";
        }
        if (device != null && mapName == null) {
            return "--dev " + device + " only narrows --map NAME to the maps of the XDP program on " + device
                    + (given.isEmpty() ? ": give --map NAME with it" : ", and " + given.get(0) + " names a map by itself: "
                    + "drop --dev, or select by --map NAME instead");
        }
        if (given.isEmpty()) {
            return "no map selected: give --map NAME (with --dev DEV for the maps of the XDP program on DEV), --id ID, "
                    + "or the path of a map pinned in bpffs";
        }
        return null;
    }
}
