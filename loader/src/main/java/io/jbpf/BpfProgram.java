package io.jbpf;

import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfFdType;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.spec.ProgramSpec;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.ProgType;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A program loaded into the kernel, owned through its fd. Closing it releases jbpf's reference;
 * a program attached through netlink (XDP) stays in the kernel while it is attached.
 * Thread-safe.
 */
public final class BpfProgram implements AutoCloseable {
    private final String name;
    private final String section;
    private final AttachType expectedAttachType;
    private final KernelInfo.Program info;
    private volatile int fd;

    private BpfProgram(int fd, String name, String section, AttachType expectedAttachType, KernelInfo.Program info) {
        this.fd = fd;
        this.name = name;
        this.section = section;
        this.expectedAttachType = expectedAttachType;
        this.info = info;
    }

    /**
     * Takes ownership of {@code fd}; {@code name}, {@code section} and {@code expectedAttachType}
     * are null for programs opened by id or pin (the kernel does not report the last).
     */
    static BpfProgram adopt(int fd, String name, String section, AttachType expectedAttachType) {
        try {
            return new BpfProgram(fd, name, section, expectedAttachType,
                    KernelInfo.program(fd, name == null ? "program" : "program " + name));
        } catch (RuntimeException e) {
            Native.closeQuietly(fd);
            throw e;
        }
    }

    /**
     * Loads one program of an object on its own, with default options: see
     * {@link #load(ProgramSpec, Map, LoadOptions)}.
     */
    public static BpfProgram load(ProgramSpec spec, Map<String, BpfMap> maps) {
        return load(spec, maps, LoadOptions.defaults());
    }

    /**
     * Loads one program of an object on its own, as {@link BpfObject#load} would load it (same
     * instructions, so the same {@link #tag()}), without creating the object's maps: the maps it
     * refers to are given in {@code maps} by their names in the object (its
     * {@link ProgramSpec#relocations()} targets), e.g. made with
     * {@code BpfMap.create(objectSpec.maps().get("xdp_stats_map"))}; a program that uses no map
     * takes {@code Map.of()}. Of {@code options} only the default type and the verifier log level
     * apply. Its object's BTF is loaded for it and released after; a kernel that refuses that BTF
     * gets the program without it.
     *
     * @throws BpfException       when a map it refers to is not in {@code maps} (naming the map, before
     *                            anything is loaded), or the kernel refuses the program
     * @throws VerifierException  when the verifier rejects it, with the log
     */
    public static BpfProgram load(ProgramSpec spec, Map<String, BpfMap> maps, LoadOptions options) {
        return ObjectLoader.loadAlone(spec, maps, options);
    }

    /**
     * Opens the loaded program with kernel id {@code id}. Program ids are a namespace of their own
     * (map 7 and program 7 are unrelated), so an id always names a program.
     */
    public static BpfProgram fromId(int id) {
        int fd = BpfSyscall.progGetFdById(id);
        if (fd < 0) {
            throw new BpfException("program id " + id, -fd);
        }
        return adopt(fd, null, null, null);
    }

    /** Opens the program pinned at {@code path} in bpffs; a pinned map or link is refused. */
    public static BpfProgram fromPin(Path path) {
        int fd = BpfSyscall.objGet(path.toString());
        if (fd < 0) {
            throw new BpfException("pinned program " + path, -fd);
        }
        BpfFdType.require(fd, BpfFdType.PROGRAM, "pinned program " + path);
        return adopt(fd, null, null, null);
    }

    /** Ids of every program in the kernel, in id order. */
    public static List<Integer> ids() {
        List<Integer> ids = new ArrayList<>();
        for (int next = BpfSyscall.progGetNextId(0); next > 0; next = BpfSyscall.progGetNextId(next)) {
            ids.add(next);
        }
        return ids;
    }

    /** Pins the program at {@code path} in bpffs, so it stays loaded and others can open it ({@link #fromPin}). */
    public void pin(Path path) {
        Pins.pin(fd(), path, "program " + name());
    }

    /** The function name from the object file, or the kernel's (15 chars at most) for programs opened by id. */
    public String name() {
        return name != null ? name : info.name();
    }

    /** The ELF section it came from, or null for programs opened by id. */
    public String section() {
        return section;
    }

    /**
     * The attach type the program was loaded for ({@code expected_attach_type}, from its section
     * name: {@code cgroup/connect4} is {@link AttachType#CGROUP_INET4_CONNECT}), which attach
     * calls use when none is given; null when the section names none, or for programs opened by id
     * or pin, whose load the kernel does not describe.
     */
    public AttachType expectedAttachType() {
        return expectedAttachType;
    }

    /** The program's fd, owned by this object: valid until {@link #close()}. */
    public int fd() {
        int f = fd;
        if (f < 0) {
            throw new BpfException("program " + name() + " is closed");
        }
        return f;
    }

    /** The kernel's id for the program. */
    public int id() {
        return info.id();
    }

    /** The program type: {@code type().kernelName()} prints it as the kernel does. */
    public ProgType type() {
        return info.type();
    }

    /** The kernel's tag for the program (hex), as {@code bpftool prog show} prints it. */
    public String tag() {
        return info.tag();
    }

    /** What the kernel reported about the program when it was loaded or opened. */
    public KernelInfo.Program info() {
        return info;
    }

    /**
     * The result of running the program through BPF_PROG_TEST_RUN.
     *
     * @param retval     what the program returned (for XDP an {@code XDP_*} action)
     * @param data       the packet as the program left it (empty when no packet was given)
     * @param ctx        the context after the run ({@code SEC("syscall")} programs write back into it)
     * @param durationNs the kernel's average time per run
     */
    public record TestRun(int retval, byte[] data, byte[] ctx, int durationNs) {
    }

    /**
     * Runs the program in the kernel without attaching it: on {@code data} (a packet for XDP, tc,
     * socket filter and cgroup_skb programs) and/or {@code ctx} (the argument struct of a
     * {@code SEC("syscall")} program, the u64 arguments of a raw tracepoint), {@code repeat}
     * times. Packet programs take {@code repeat} 0 as 1; syscall and raw_tp programs require 0.
     */
    public TestRun testRun(byte[] data, byte[] ctx, int repeat) {
        int outSize = data == null ? 0 : data.length + 256;
        NativeMemory in = data == null ? null : Native.copyOf(data);
        NativeMemory out = outSize == 0 ? null : Native.allocate(outSize);
        NativeMemory ctxIn = ctx == null ? null : Native.copyOf(ctx);
        BpfSyscall.TestRunResult r = BpfSyscall.progTestRun(fd(), in == null ? 0 : in.address(),
                data == null ? 0 : data.length, out == null ? 0 : out.address(), outSize,
                ctxIn == null ? 0 : ctxIn.address(), ctx == null ? 0 : ctx.length, repeat);
        Reference.reachabilityFence(in);
        if (r.error() < 0) {
            throw new BpfException("test run of program " + name(), -r.error());
        }
        byte[] result = new byte[out == null ? 0 : Math.min(outSize, r.dataSizeOut())];
        if (out != null) {
            out.get(0, result, 0, result.length);
        }
        byte[] ctxAfter = new byte[ctx == null ? 0 : ctx.length];
        if (ctxIn != null) {
            ctxIn.get(0, ctxAfter, 0, ctxAfter.length);
        }
        return new TestRun(r.retval(), result, ctxAfter, r.durationNs());
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            Native.closeQuietly(fd);
            fd = -1;
        }
    }

    @Override
    public String toString() {
        return "BpfProgram[" + name() + ", id " + info.id() + ", " + info.type().kernelName() + "]";
    }
}
