package io.jbpf;

import io.jbpf.common.BpfException;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.VariableSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A BPF object loaded into the kernel: its maps and programs, live. Closing it closes every fd it
 * holds (programs attached through netlink stay attached). Thread-safe.
 *
 * <pre>{@code
 * try (BpfObject obj = BpfObject.load(Path.of("xdp_icmp_echo.o"));
 *      XdpLink link = XdpLink.attach(obj.program("xdp_icmp_echo_func"), "veth0", XdpMode.NATIVE, IfAttached.FAIL)) {
 *     byte[] counters = obj.map("xdp_stats_map").lookup(key);
 * }
 * }</pre>
 */
public final class BpfObject implements AutoCloseable {
    private final BpfObjectSpec spec;
    private final Map<String, BpfMap> maps;
    private final Map<String, BpfProgram> programs;
    private final List<String> warnings;
    private final PinLog pinLog;

    BpfObject(BpfObjectSpec spec, Map<String, BpfMap> maps, Map<String, BpfProgram> programs, List<String> warnings,
              PinLog pinLog) {
        this.spec = spec;
        this.maps = Collections.unmodifiableMap(new LinkedHashMap<>(maps));
        this.programs = Collections.unmodifiableMap(new LinkedHashMap<>(programs));
        this.warnings = List.copyOf(warnings);
        this.pinLog = pinLog;
    }

    /** Reads and loads the object at {@code path} with default options. */
    public static BpfObject load(Path path) {
        return load(BpfObjectSpec.read(path), LoadOptions.defaults());
    }

    /**
     * Creates the spec's maps and loads the selected programs. On failure every fd opened so far
     * is closed before the exception leaves.
     */
    public static BpfObject load(BpfObjectSpec spec, LoadOptions options) {
        return new ObjectLoader(spec, options).load();
    }

    public BpfObjectSpec spec() {
        return spec;
    }

    /** Maps by their object-file name. */
    public Map<String, BpfMap> maps() {
        return maps;
    }

    public BpfMap map(String name) {
        BpfMap m = maps.get(name);
        if (m == null) {
            throw new BpfException(spec.source() + ": no map named '" + name + "'; maps: " + String.join(", ", maps.keySet()));
        }
        return m;
    }

    /** Loaded programs by function name. */
    public Map<String, BpfProgram> programs() {
        return programs;
    }

    public BpfProgram program(String name) {
        BpfProgram p = programs.get(name);
        if (p == null) {
            throw new BpfException(spec.source() + ": no loaded program named '" + name + "'; loaded: "
                    + String.join(", ", programs.keySet()));
        }
        return p;
    }

    /**
     * Global variable {@code name} of the loaded object, read and written through its data
     * section's map ({@code .data}, {@code .bss}; {@code .rodata} is read-only once loaded).
     */
    public BpfVariable variable(String name) {
        VariableSpec v = spec.variable(name);
        return new BpfVariable(v, map(v.map()));
    }

    /**
     * The pins (and bpffs directories) this load created for the object's pinned maps, not those
     * it found and reused. When what the object was loaded for fails afterwards (an attach),
     * {@code pinLog().undo()} leaves bpffs as it was before the load. Closing the object keeps them.
     */
    public PinLog pinLog() {
        return pinLog;
    }

    /** Things that went differently from a plain load (e.g. BTF the kernel refused), for the user to see. */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(programs.values());
        all.addAll(maps.values());
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing an fd cannot meaningfully fail here; keep closing the rest
            }
        }
    }

    @Override
    public String toString() {
        return "BpfObject[" + spec.source() + ": programs " + programs.keySet().stream().collect(Collectors.joining(","))
                + ", maps " + String.join(",", maps.keySet()) + "]";
    }
}
