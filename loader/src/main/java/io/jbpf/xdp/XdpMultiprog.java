package io.jbpf.xdp;

import io.jbpf.BpfMap;
import io.jbpf.BpfObject;
import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.LoadOptions;
import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfKind;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import io.jbpf.link.IfAttached;
import io.jbpf.link.XdpAttach;
import io.jbpf.link.XdpLink;
import io.jbpf.link.XdpMode;
import io.jbpf.link.XdpStatus;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.ProgramSpec;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.ProgFlag;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Several XDP programs on one device, through libxdp's multi-program dispatcher (protocol version
 * 2), the way {@code xdp-loader} does it, so that each sees and keeps the other's programs.
 *
 * <p>The device runs one XDP program, the dispatcher ({@code xdp_dispatcher}), which calls its
 * slot functions {@code prog0..prog9} in order; each program of the device is loaded as an
 * freplace extension of one slot, sorted by {@link RunConfig#priority()} (then name, then programs
 * already there first). The dispatcher's config (its .rodata, frozen before the load, see
 * {@link DispatcherConfig}) holds each slot's priority and chain-call actions. Every change builds a
 * new dispatcher with the new list, moves the programs already there onto it (a second freplace
 * link of the same program), pins each slot's program and link as
 * {@code <bpffs>/xdp/dispatch-<ifindex>-<dispatcher id>/prog<i>-prog} and {@code prog<i>-link},
 * puts it on the device in place of the old one in one step (XDP_FLAGS_REPLACE), then removes the
 * old one's pins. {@code <bpffs>} is {@code /sys/fs/bpf} or {@code $LIBXDP_BPFFS}; the changes are
 * serialised with an exclusive flock on {@code <bpffs>/xdp}, as libxdp does.
 *
 * <p>The slots need BPF trampolines (freplace). Where the kernel refuses them (lockdown), libxdp
 * attaches the one program directly instead; so does {@link #add}, and says so
 * ({@link #fallback()}). A device that runs a program that is not a dispatcher cannot take more
 * programs: unload it first.
 *
 * <p>An instance is a snapshot of a device's state; it holds no fds.
 */
public final class XdpMultiprog {
    /** The name libxdp recognises a dispatcher by. */
    public static final String DISPATCHER_NAME = "xdp_dispatcher";
    private static final String DISPATCHER_RESOURCE = "xdp_dispatcher.o";
    private static final Path DEFAULT_BPFFS = Path.of("/sys/fs/bpf");

    /**
     * A program of the device.
     *
     * @param slot   its dispatcher slot ({@code prog<slot>}), in run order; 0 for a program attached directly
     * @param progId its kernel program id
     * @param name   its kernel name
     * @param tag    its tag, as bpftool prints it
     * @param config its priority and chain-call actions
     * @param flags  its load flags
     */
    public record Component(int slot, int progId, String name, String tag, RunConfig config, Set<ProgFlag> flags) {
        /** Copies the flags. */
        public Component {
            flags = Set.copyOf(flags);
        }
    }

    private final String device;
    private final int ifindex;
    private final XdpMode mode;
    private final int dispatcherId;
    private final List<Component> components;
    private final String fallback;

    private XdpMultiprog(String device, int ifindex, XdpMode mode, int dispatcherId, List<Component> components,
                         String fallback) {
        this.device = device;
        this.ifindex = ifindex;
        this.mode = mode;
        this.dispatcherId = dispatcherId;
        this.components = List.copyOf(components);
        this.fallback = fallback;
    }

    /** The device. */
    public String device() {
        return device;
    }

    /** The device's ifindex. */
    public int ifindex() {
        return ifindex;
    }

    /** The XDP mode the dispatcher (or the one program) is attached in. */
    public XdpMode mode() {
        return mode;
    }

    /** The dispatcher's program id; 0 when {@link #add} fell back to attaching one program directly. */
    public int dispatcherId() {
        return dispatcherId;
    }

    /** The device's programs in run order. */
    public List<Component> components() {
        return components;
    }

    /** Why {@link #add} attached the program directly instead of through a dispatcher; empty when it did not. */
    public Optional<String> fallback() {
        return Optional.ofNullable(fallback);
    }

    /** The directory the dispatcher's pins are in. */
    public Path pinDirectory() {
        return pinDirectory(ifindex, dispatcherId);
    }

    /** {@code <bpffs>/xdp}: {@code /sys/fs/bpf/xdp}, or under {@code $LIBXDP_BPFFS} as libxdp reads it. */
    public static Path pinRoot() {
        String env = System.getenv("LIBXDP_BPFFS");
        return (env == null || env.isEmpty() ? DEFAULT_BPFFS : Path.of(env)).resolve("xdp");
    }

    /** Where the pins of dispatcher {@code dispatcherId} on device {@code ifindex} are: {@code dispatch-<ifindex>-<id>}. */
    public static Path pinDirectory(int ifindex, int dispatcherId) {
        return pinRoot().resolve("dispatch-" + ifindex + "-" + dispatcherId);
    }

    /**
     * The dispatcher on {@code device} and its programs; empty when the device runs no XDP program
     * or one that is not a dispatcher.
     */
    public static Optional<XdpMultiprog> query(String device) {
        int ifindex = XdpAttach.ifindex(device);
        try (Lock lock = Lock.forReading(); Current c = Current.read(device, ifindex)) {
            return c == null || c.config == null ? Optional.empty() : Optional.of(c.snapshot(device, ifindex));
        }
    }

    /**
     * Adds program {@code program} of {@code spec} to {@code device}, with {@code config}
     * (typically {@link RunConfig#of}{@code (spec, program)}, maybe with another priority), beside
     * the programs of the dispatcher there, or with a new dispatcher attached in {@code mode} when the
     * device runs no XDP program ({@code mode} null: the dispatcher's mode, native for a new one). {@code options} gives the pin root of the
     * object's pinned maps and the verifier log level; its program selection and freplace target
     * are replaced. Returns the device's new state. When the kernel refuses freplace programs, the
     * program is attached directly (as libxdp does) and {@link #fallback()} says why.
     *
     * @throws BpfException when the device runs a program that is not a dispatcher, the dispatcher
     *                      is attached in another mode, all ten slots are taken, or a load fails
     */
    public static XdpMultiprog add(String device, XdpMode mode, BpfObjectSpec spec, String program, RunConfig config,
                                   LoadOptions options) {
        ProgramSpec ps = spec.program(program);
        if (ps.sectionDef() != null && ps.sectionDef().progFlags().contains(ProgFlag.XDP_HAS_FRAGS)) {
            throw new BpfException(spec.source() + ": program " + program + " is an xdp.frags program; jbpf's dispatcher "
                    + "runs single-buffer programs only for now: load it alone (without --multi)");
        }
        int ifindex = XdpAttach.ifindex(device);
        try (Lock lock = Lock.take(); Current c = Current.read(device, ifindex)) {
            if (c != null && c.config == null) {
                throw new BpfException("add XDP program " + program + " to " + device + ": the device runs XDP program "
                        + c.dispatcher.name() + " (id " + c.dispatcher.id() + ", " + c.mode + " mode), which is not an "
                        + "XDP dispatcher, so no program can run beside it (libxdp refuses too); unload it first "
                        + "(jbpf unload --dev " + device + ")");
            }
            XdpMode m = mode != null ? mode : c != null ? c.mode : XdpMode.NATIVE;
            if (c != null && c.mode != m) {
                throw new BpfException("add XDP program " + program + " to " + device + ": the dispatcher there (id "
                        + c.dispatcher.id() + ") is attached in " + c.mode + " mode, not " + m + "; add it in " + c.mode
                        + " mode (--mode " + c.mode.label + ")");
            }
            List<Entry> entries = c == null ? new ArrayList<>() : c.entries();
            if (entries.size() >= DispatcherConfig.MAX_SLOTS) {
                throw new BpfException("add XDP program " + program + " to " + device + ": its dispatcher runs "
                        + DispatcherConfig.MAX_SLOTS + " programs already, the most it can; unload one first");
            }
            entries.add(new Entry(null, spec, program, options, config, Set.of(), ps.name()));
            try {
                return build(device, ifindex, m, c, entries);
            } catch (FreplaceRefused e) {
                return attachDirectly(device, ifindex, m, spec, program, config, options, e.getMessage());
            }
        }
    }

    /**
     * Removes the program with id {@code progId} from {@code device}: rebuilds the dispatcher
     * without it, or detaches the dispatcher when it was the last one (or the program when it was
     * attached directly). Returns the new state, empty when nothing is left.
     */
    public static Optional<XdpMultiprog> remove(String device, int progId) {
        int ifindex = XdpAttach.ifindex(device);
        try (Lock lock = Lock.take(); Current c = Current.read(device, ifindex)) {
            if (c == null) {
                throw new BpfException("unload program id " + progId + " from " + device + ": the device runs no XDP program",
                        Errno.ENOENT);
            }
            if (c.config == null) {
                if (c.dispatcher.id() != progId) {
                    throw new BpfException("unload program id " + progId + " from " + device + ": the device runs program "
                            + c.dispatcher.name() + " (id " + c.dispatcher.id() + ") alone, not that one", Errno.ENOENT);
                }
                XdpAttach.detach(device, c.mode);
                return Optional.empty();
            }
            List<Entry> entries = c.entries();
            List<Entry> rest = entries.stream().filter(e -> e.prog.id() != progId).collect(Collectors.toList());
            if (rest.size() == entries.size()) {
                throw new BpfException("unload program id " + progId + " from " + device + ": the dispatcher there (id "
                        + c.dispatcher.id() + ") runs " + entries.stream().map(e -> e.name + " (id " + e.prog.id() + ")")
                        .collect(Collectors.joining(", ")) + ", not that one", Errno.ENOENT);
            }
            if (rest.isEmpty()) {
                detachDispatcher(device, c);
                return Optional.empty();
            }
            return Optional.of(build(device, ifindex, c.mode, c, rest));
        }
    }

    /**
     * Removes every XDP program from {@code device}: the dispatcher and its pins, or the one
     * program attached directly. Returns what was there (empty when nothing was).
     */
    public static List<Component> removeAll(String device) {
        int ifindex = XdpAttach.ifindex(device);
        try (Lock lock = Lock.take(); Current c = Current.read(device, ifindex)) {
            if (c == null) {
                return List.of();
            }
            if (c.config == null) {
                XdpAttach.detach(device, c.mode);
                return List.of(new Component(0, c.dispatcher.id(), c.dispatcher.name(), c.dispatcher.tag(),
                        RunConfig.DEFAULT, Set.of()));
            }
            List<Component> was = c.snapshot(device, ifindex).components();
            detachDispatcher(device, c);
            return was;
        }
    }

    private static void detachDispatcher(String device, Current c) {
        XdpAttach.detach(device, c.mode);
        deletePins(pinDirectory(c.ifindex, c.dispatcher.id()));
    }

    /** The kernel refused the first freplace load: attach the one program directly, as libxdp falls back. */
    private static XdpMultiprog attachDirectly(String device, int ifindex, XdpMode mode, BpfObjectSpec spec,
                                               String program, RunConfig config, LoadOptions options, String why) {
        LoadOptions only = new LoadOptions(p -> p.name().equals(program), options.defaultType(), options.logLevel(),
                options.pinRoot(), null);
        try (BpfObject obj = BpfObject.load(spec, only)) {
            BpfProgram p = obj.program(program);
            try {
                XdpLink.attach(p, device, mode, IfAttached.FAIL);
            } catch (RuntimeException e) {
                obj.pinLog().undo();
                throw e;
            }
            String reason = "the kernel refuses the freplace programs an XDP dispatcher's slots need (" + why + ")";
            int at = why.indexOf("BPF trampolines are refused");
            if (at >= 0) {
                // jbpf's own refusal text: keep its reason (lockdown), not the load's whereabouts and advice
                int end = why.indexOf(';', at);
                reason = "the kernel refuses the freplace programs an XDP dispatcher's slots need: "
                        + why.substring(at, end < 0 ? why.length() : end);
            }
            return new XdpMultiprog(device, ifindex, mode, 0,
                    List.of(new Component(0, p.id(), p.name(), p.tag(), config, Set.of())), reason);
        }
    }

    /** A program for a slot: one already on the device ({@code prog} set), or one to load from {@code spec}. */
    private record Entry(BpfProgram prog, BpfObjectSpec spec, String program, LoadOptions options, RunConfig config,
                         Set<ProgFlag> flags, String name) {
        SlotOrder order() {
            return new SlotOrder(config.priority(), name, prog != null);
        }
    }

    /** What decides a program's slot: its priority, its name, whether it is on the device already. */
    record SlotOrder(int priority, String name, boolean existing) {
        /** libxdp's run order: priority, then name, then programs already there before a new one. */
        static final Comparator<SlotOrder> ORDER = Comparator.comparingInt(SlotOrder::priority)
                .thenComparing(SlotOrder::name).thenComparing(o -> o.existing() ? 0 : 1);
    }

    /** Thrown inside {@link #build} when the kernel refuses to load a slot's program as freplace (EPERM). */
    private static final class FreplaceRefused extends RuntimeException {
        FreplaceRefused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Builds a dispatcher for {@code entries}, fills its slots, pins it, puts it on the device in
     * place of {@code old}'s dispatcher (or fresh), then removes {@code old}'s pins. Whatever fails
     * leaves the device and bpffs as they were.
     */
    private static XdpMultiprog build(String device, int ifindex, XdpMode mode, Current old, List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Entry::order, SlotOrder.ORDER));
        List<DispatcherConfig.Slot> slots = sorted.stream().map(e -> new DispatcherConfig.Slot(e.config, e.flags)).toList();
        byte[] conf = new DispatcherConfig(false, slots).encode();
        List<Integer> linkFds = new ArrayList<>();
        List<BpfObject> loaded = new ArrayList<>();
        BpfObject dobj = null;
        Path dir = null;
        boolean attached = false;
        try {
            dobj = BpfObject.load(dispatcherSpec().withVariable("conf", conf), LoadOptions.defaults());
            BpfProgram disp = dobj.program(DISPATCHER_NAME);
            int[] slotBtfIds = slotBtfIds(disp);
            dir = pinDirectory(ifindex, disp.id());
            Files.createDirectories(dir);
            List<Component> comps = new ArrayList<>();
            for (int i = 0; i < sorted.size(); i++) {
                Entry e = sorted.get(i);
                BpfProgram prog = e.prog;
                if (prog == null) {
                    BpfObject obj = loadExtension(e, disp, i, old == null);
                    loaded.add(obj);
                    prog = obj.program(e.program);
                }
                int fd = BpfSyscall.linkCreateFreplace(prog.fd(), disp.fd(), slotBtfIds[i]);
                if (fd < 0) {
                    throw new BpfException("attach XDP program " + e.name + " (id " + prog.id() + ") to slot prog" + i
                            + " of dispatcher id " + disp.id() + " on " + device, -fd);
                }
                linkFds.add(fd);
                prog.pin(dir.resolve("prog" + i + "-prog"));
                io.jbpf.Pins.pin(fd, dir.resolve("prog" + i + "-link"), "freplace link of " + e.name);
                comps.add(new Component(i, prog.id(), prog.name(), prog.tag(), e.config, e.flags));
            }
            if (old == null) {
                XdpLink.attach(disp, device, mode, IfAttached.FAIL);
            } else {
                XdpAttach.replace(device, mode, old.dispatcher, disp);
            }
            attached = true;
            if (old != null) {
                deletePins(pinDirectory(ifindex, old.dispatcher.id()));
            }
            return new XdpMultiprog(device, ifindex, mode, disp.id(), comps, null);
        } catch (IOException e) {
            throw new BpfException("create " + dir + " for the XDP dispatcher's pins: " + e.getMessage(), e);
        } finally {
            if (!attached && dir != null) {
                deletePins(dir);
            }
            linkFds.forEach(Native::closeQuietly);
            for (BpfObject obj : loaded) {
                if (!attached) {
                    obj.pinLog().undo();
                }
                obj.close();
            }
            if (dobj != null) {
                dobj.close();
            }
        }
    }

    /**
     * Loads entry {@code e}'s object with its program as an freplace extension of slot
     * {@code prog<slot>} of {@code disp}. When the kernel refuses it with EPERM and
     * {@code compatCheck} (no dispatcher on the device yet), that is a {@link FreplaceRefused}.
     */
    private static BpfObject loadExtension(Entry e, BpfProgram disp, int slot, boolean compatCheck) {
        LoadOptions o = e.options;
        LoadOptions opts = new LoadOptions(p -> p.name().equals(e.program), o.defaultType(), o.logLevel(), o.pinRoot(),
                disp);
        try {
            return BpfObject.load(e.spec.withExtension(e.program, "prog" + slot), opts);
        } catch (BpfException ex) {
            if (compatCheck && ex.errno() == Errno.EPERM && !(ex instanceof io.jbpf.VerifierException)) {
                throw new FreplaceRefused(ex.getMessage());
            }
            throw ex;
        }
    }

    /** The BTF ids of {@code prog0..prog9} in the loaded dispatcher's BTF. */
    private static int[] slotBtfIds(BpfProgram disp) {
        int btfId = disp.info().details().btfId();
        if (btfId == 0) {
            throw new BpfException("XDP dispatcher id " + disp.id() + " was loaded without BTF; its slots cannot be found");
        }
        Btf btf = Btf.parse("BTF of the XDP dispatcher", KernelInfo.btfById(btfId));
        int[] ids = new int[DispatcherConfig.MAX_SLOTS];
        for (int i = 0; i < ids.length; i++) {
            String name = "prog" + i;
            ids[i] = btf.find(BtfKind.FUNC, name).orElseThrow(() -> new BpfException("the XDP dispatcher's BTF has no "
                    + "function " + name)).id();
        }
        return ids;
    }

    /** jbpf's dispatcher object (bpf-src/multi/xdp_dispatcher.c), a resource of this package. */
    private static BpfObjectSpec dispatcherSpec() {
        try (InputStream in = XdpMultiprog.class.getResourceAsStream(DISPATCHER_RESOURCE)) {
            if (in == null) {
                throw new BpfException("jbpf's XDP dispatcher " + DISPATCHER_RESOURCE + " is not in this build: build with "
                        + "bpf-src (mvn -pl bpf-src,elf,loader package) so that bpf-src/build/multi/ exists");
            }
            return BpfObjectSpec.parse(DISPATCHER_RESOURCE, in.readAllBytes());
        } catch (IOException e) {
            throw new BpfException("cannot read jbpf's XDP dispatcher " + DISPATCHER_RESOURCE, e);
        }
    }

    /** Removes a dispatcher's pin directory: its slots' link and program pins, then the directory. */
    private static void deletePins(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new BpfException("remove the XDP dispatcher's pins under " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The exclusive flock on {@code <bpffs>/xdp} that libxdp takes around reading and changing dispatchers. */
    private static final class Lock implements AutoCloseable {
        private final int fd;

        private Lock(int fd) {
            this.fd = fd;
        }

        /**
         * The lock for reading only: without {@code <bpffs>/xdp} there is nothing to lock (no
         * dispatcher has pins), and a query must not create it (nor need bpffs mounted).
         */
        static Lock forReading() {
            return Files.isDirectory(pinRoot()) ? take() : new Lock(-1);
        }

        static Lock take() {
            Path root = pinRoot();
            try {
                Files.createDirectories(root);
            } catch (IOException e) {
                throw new BpfException("create " + root + " (libxdp's lock and pin directory; is bpffs mounted at "
                        + root.getParent() + "?): " + e.getMessage(), e);
            }
            int fd = LibC.open(root.toString(), LibC.O_DIRECTORY_CLOEXEC);
            if (fd < 0) {
                throw new BpfException("open " + root + " to lock it", Native.errno());
            }
            if (LibC.flock(fd, LibC.LOCK_EX) < 0) {
                int errno = Native.errno();
                Native.closeQuietly(fd);
                throw new BpfException("lock " + root + " (flock)", errno);
            }
            return new Lock(fd);
        }

        @Override
        public void close() {
            if (fd >= 0) {
                Native.closeQuietly(fd); // closing the last fd of the open file releases the flock
            }
        }
    }

    /**
     * What the device runs now: its XDP program ({@code dispatcher}, owned) in {@code mode}, with
     * {@code config} and its slots' programs ({@code slots}, owned) when it is a dispatcher;
     * {@code config} null when it is some other program.
     */
    private static final class Current implements AutoCloseable {
        final int ifindex;
        final XdpMode mode;
        final BpfProgram dispatcher;
        final DispatcherConfig config;
        final List<BpfProgram> slots;

        private Current(int ifindex, XdpMode mode, BpfProgram dispatcher, DispatcherConfig config, List<BpfProgram> slots) {
            this.ifindex = ifindex;
            this.mode = mode;
            this.dispatcher = dispatcher;
            this.config = config;
            this.slots = slots;
        }

        /** The device's state, or null when it runs no XDP program. */
        static Current read(String device, int ifindex) {
            XdpStatus s = XdpAttach.query(device);
            if (s.modes().isEmpty()) {
                return null;
            }
            XdpMode mode = s.modes().get(0);
            BpfProgram prog;
            try {
                prog = BpfProgram.fromId(s.progId(mode));
            } catch (BpfException e) {
                return null; // detached and unloaded between the two calls
            }
            List<BpfProgram> slots = new ArrayList<>();
            try {
                DispatcherConfig config = dispatcherConfig(prog, device);
                if (config != null) {
                    Path dir = pinDirectory(ifindex, prog.id());
                    for (int i = 0; i < config.slots().size(); i++) {
                        Path pin = dir.resolve("prog" + i + "-prog");
                        if (!Files.exists(pin)) {
                            throw new BpfException("XDP dispatcher id " + prog.id() + " on " + device + " has "
                                    + config.slots().size() + " programs in its config, but " + pin + " is missing; "
                                    + "were its pins removed by hand? Unload it with jbpf unload --dev " + device
                                    + " --all", Errno.ENOENT);
                        }
                        slots.add(BpfProgram.fromPin(pin));
                    }
                }
                return new Current(ifindex, mode, prog, config, slots);
            } catch (RuntimeException e) {
                slots.forEach(BpfProgram::close);
                prog.close();
                throw e;
            }
        }

        /** The programs already there, as entries to build a new dispatcher with. */
        List<Entry> entries() {
            List<Entry> out = new ArrayList<>();
            for (int i = 0; i < slots.size(); i++) {
                DispatcherConfig.Slot s = config.slots().get(i);
                BpfProgram p = slots.get(i);
                out.add(new Entry(p, null, null, null, s.config(), s.flags(), p.name()));
            }
            return out;
        }

        XdpMultiprog snapshot(String device, int ifindex) {
            List<Component> comps = new ArrayList<>();
            for (int i = 0; i < slots.size(); i++) {
                DispatcherConfig.Slot s = config.slots().get(i);
                BpfProgram p = slots.get(i);
                comps.add(new Component(i, p.id(), p.name(), p.tag(), s.config(), s.flags()));
            }
            return new XdpMultiprog(device, ifindex, mode, dispatcher.id(), comps, null);
        }

        @Override
        public void close() {
            slots.forEach(BpfProgram::close);
            dispatcher.close();
        }
    }

    /**
     * The config of {@code prog} if it is a dispatcher as libxdp recognises one (name
     * xdp_dispatcher, BTF, exactly one map: 4-byte key, one 124-byte value, read-only for
     * programs), else null.
     */
    static DispatcherConfig dispatcherConfig(BpfProgram prog, String device) {
        KernelInfo.Program info = prog.info();
        if (!DISPATCHER_NAME.equals(info.name()) || info.details().btfId() == 0 || info.mapIds().length != 1) {
            return null;
        }
        try (BpfMap map = BpfMap.fromId(info.mapIds()[0])) {
            if (map.keySize() != 4 || map.valueSize() != DispatcherConfig.SIZE || map.maxEntries() != 1
                    || !map.flags().contains(MapFlag.RDONLY_PROG)) {
                return null;
            }
            return DispatcherConfig.decode(map.lookup(new byte[4]), "XDP dispatcher id " + prog.id() + " on " + device);
        }
    }

    @Override
    public String toString() {
        return "XdpMultiprog[" + device + ", " + (dispatcherId == 0 ? "no dispatcher" : "dispatcher " + dispatcherId)
                + ", " + components + "]";
    }
}
