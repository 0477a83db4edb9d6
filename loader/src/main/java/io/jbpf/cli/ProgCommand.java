package io.jbpf.cli;

import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfType;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfAttr;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code jbpf prog list|show|pin|dump|tracelog}: the programs loaded in the kernel, as bpftool shows them. */
final class ProgCommand extends CliCommand {
    ProgCommand() {
        super("prog", "Inspect and pin loaded BPF programs (as bpftool prog).",
                "PROG is " + ObjectRef.Of.PROGRAM.syntax() + ".");
        sub("show", new Show("show"));
        sub("list", new Show("list"));
        sub("pin", new Pin());
        sub("dump", new Dump());
        sub("tracelog", new Tracelog());
    }

    @Override
    public Integer call() {
        throw usageError("missing prog command (list, show, pin, dump, tracelog)");
    }

    /**
     * {@code prog tracelog}: the bpf_printk lines of every program, from the kernel's trace pipe,
     * as {@code bpftool prog tracelog} prints them, until interrupted, {@code --duration} is over or
     * {@code --count} lines were printed. Lines are consumed: another reader of the pipe gets none of them.
     */
    static final class Tracelog extends CliCommand {
        private final OptionSpec jsonOpt = flag("one JSON object per line: task, pid, cpu, flags, timestamp, message",
                "--json", "-j");
        private final OptionSpec durationOpt = checked("TIME", Long.class, new DurationConverter(10 * 1_000_000L,
                24 * 3600 * 1_000_000_000L), null, "stop after this long: " + DurationConverter.FORMS, "--duration");
        private final OptionSpec countOpt = checked("N", Integer.class, new IntRangeConverter(1, Integer.MAX_VALUE,
                "a count of lines"), null, "stop after N lines", "--count");

        Tracelog() {
            super("tracelog", "Print the bpf_printk lines of BPF programs, from the kernel's trace pipe.");
        }

        @Override
        public Integer call() {
            Long duration = durationOpt.getValue();
            long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration;
            new TraceOutput(out(), isSet(jsonOpt), countOpt.getValue()).pump(end, () -> false);
            return 0;
        }
    }

    /** {@code prog show [PROG]} and its alias {@code prog list}. */
    static final class Show extends CliCommand {
        private final PositionalParamSpec words = words(0, "0..2", "PROG",
                "the program: " + ObjectRef.Of.PROGRAM.syntax() + "; every program when omitted");
        private final OptionSpec json = flag("print as JSON, with bpftool's field names", "--json", "-j");

        Show(String name) {
            super(name, "Show loaded programs: id, type, name, tag, load time, sizes and maps.");
        }

        @Override
        public Integer call() {
            List<String> w = Words.of(words);
            List<BpfProgram> progs = new ArrayList<>();
            if (w.isEmpty()) {
                for (int id : BpfProgram.ids()) {
                    try {
                        progs.add(BpfProgram.fromId(id));
                    } catch (BpfException e) {
                        // unloaded since it was listed
                    }
                }
            } else {
                ObjectRef ref = Words.ref(this, w, 0, ObjectRef.Of.PROGRAM);
                Words.noMore(this, w, 2);
                progs.addAll(ref.programs());
                if (progs.isEmpty()) {
                    throw new BpfException("no program with " + ref);
                }
            }
            PrintWriter out = out();
            List<Map<String, Object>> rows = new ArrayList<>();
            try {
                for (BpfProgram p : progs) {
                    rows.add(programRow(p));
                }
            } finally {
                progs.forEach(BpfProgram::close);
            }
            if (isSet(json)) {
                // one object for one named program (bpftool prog show id N -j), an array for a listing
                out.println(Json.write(w.isEmpty() || rows.size() != 1 || w.get(0).equals("name") || w.get(0).equals("tag")
                        ? rows : rows.get(0)));
            } else {
                rows.forEach(r -> text(out, r));
            }
            return 0;
        }
    }

    /** bpftool's fields for one program (prog show -j), read now from the kernel. */
    static Map<String, Object> programRow(BpfProgram p) {
        KernelInfo.Program info = KernelInfo.program(p.fd(), "program id " + p.id());
        KernelInfo.ProgramDetails d = info.details();
        Map<String, String> fdinfo = FdInfo.of(p.fd());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", info.id());
        r.put("type", Names.of(info.type()));
        if (!info.name().isEmpty()) {
            r.put("name", fullName(p.fd(), info));
        }
        r.put("tag", info.tag());
        r.put("gpl_compatible", d.gplCompatible());
        if (d.runCount() != 0) {
            r.put("run_time_ns", d.runTimeNs());
            r.put("run_cnt", d.runCount());
        }
        r.put("loaded_at", FdInfo.wallClockSeconds(d.loadTimeNs()));
        r.put("uid", Integer.toUnsignedLong(d.uid()));
        r.put("bytes_xlated", d.xlatedBytes());
        r.put("jited", d.jitedBytes() != 0);
        if (d.jitedBytes() != 0) {
            r.put("bytes_jited", d.jitedBytes());
        }
        r.put("bytes_memlock", FdInfo.number(fdinfo, "memlock"));
        if (info.mapIds().length > 0) {
            r.put("map_ids", Arrays.stream(info.mapIds()).boxed().toList());
        }
        if (d.btfId() != 0) {
            r.put("btf_id", d.btfId());
        }
        if (d.verifiedInsns() != 0) {
            r.put("verified_insns", d.verifiedInsns());
        }
        return r;
    }

    /**
     * The program's name; when the kernel's 15-character name may be cut short, the name of its
     * first function in its BTF, as bpftool shows it (xdp_globals_main, not xdp_globals_mai).
     */
    static String fullName(int fd, KernelInfo.Program info) {
        if (info.name().length() < BpfAttr.OBJ_NAME_LEN - 1 || info.details().btfId() == 0) {
            return info.name();
        }
        try {
            NativeMemory buf = Native.allocate(BpfAttr.ProgInfo.SIZE);
            if (BpfSyscall.objGetInfoByFd(fd, buf.address(), BpfAttr.ProgInfo.SIZE) < 0
                    || buf.getInt(BpfAttr.ProgInfoDetail.NR_FUNC_INFO) == 0) {
                return info.name();
            }
            int recSize = buf.getInt(BpfAttr.ProgInfoDetail.FUNC_INFO_REC_SIZE);
            // One record is enough: the first is the program's own function (insn_off, type_id).
            NativeMemory rec = Native.allocate(Math.max(8, recSize));
            buf.fill(0, BpfAttr.ProgInfo.SIZE, (byte) 0);
            buf.putInt(BpfAttr.ProgInfoDetail.NR_FUNC_INFO, 1);
            buf.putInt(BpfAttr.ProgInfoDetail.FUNC_INFO_REC_SIZE, recSize);
            buf.putLong(BpfAttr.ProgInfoDetail.FUNC_INFO, rec.address());
            if (BpfSyscall.objGetInfoByFd(fd, buf.address(), BpfAttr.ProgInfo.SIZE) < 0) {
                return info.name();
            }
            Btf btf = Btf.parse("BTF of program " + info.id(), KernelInfo.btfById(info.details().btfId()));
            BtfType func = btf.type(rec.getInt(4));
            return func != null && func.name().startsWith(info.name()) ? func.name() : info.name();
        } catch (BpfException e) {
            return info.name(); // BTF unreadable: the kernel's name will do
        }
    }

    /** bpftool prog show's text layout for one program. */
    @SuppressWarnings("unchecked")
    static void text(PrintWriter out, Map<String, Object> r) {
        StringBuilder b = new StringBuilder();
        b.append(r.get("id")).append(": ").append(r.get("type")).append("  ");
        if (r.containsKey("name")) {
            b.append("name ").append(r.get("name")).append("  ");
        }
        b.append("tag ").append(r.get("tag"));
        if (Boolean.TRUE.equals(r.get("gpl_compatible"))) {
            b.append("  gpl");
        }
        if (r.containsKey("run_cnt")) {
            b.append(" run_time_ns ").append(r.get("run_time_ns")).append(" run_cnt ").append(r.get("run_cnt"));
        }
        out.println(b);
        out.println("\tloaded_at " + FdInfo.date((Long) r.get("loaded_at")) + "  uid " + r.get("uid"));
        b.setLength(0);
        b.append("\txlated ").append(r.get("bytes_xlated")).append("B  ");
        b.append(r.containsKey("bytes_jited") ? "jited " + r.get("bytes_jited") + "B" : "not jited");
        b.append("  memlock ").append(r.get("bytes_memlock")).append("B");
        if (r.containsKey("map_ids")) {
            b.append("  map_ids ").append(((List<Integer>) r.get("map_ids")).stream().map(String::valueOf)
                    .collect(Collectors.joining(",")));
        }
        out.println(b);
        if (r.containsKey("btf_id")) {
            out.println("\tbtf_id " + r.get("btf_id"));
        }
    }

    /** {@code prog pin PROG FILE}. */
    static final class Pin extends CliCommand {
        private final PositionalParamSpec words = words(0, "3", "PROG FILE",
                "the program (" + ObjectRef.Of.PROGRAM.syntax() + ") and the bpffs path to pin it at");

        Pin() {
            super("pin", "Pin a loaded program in bpffs, so it stays loaded after its last user exits.");
        }

        @Override
        public Integer call() {
            List<String> w = Words.of(words);
            ObjectRef ref = Words.ref(this, w, 0, ObjectRef.Of.PROGRAM);
            Path file = Path.of(w.get(2));
            try (BpfProgram p = ref.program()) {
                p.pin(file);
                out().println("Pinned program " + p.id() + " (" + p.name() + ") at " + file);
            }
            return 0;
        }
    }

    /** {@code prog dump xlated PROG}. */
    static final class Dump extends CliCommand {
        private final PositionalParamSpec words = words(0, "3", "xlated PROG",
                "'xlated' and the program: " + ObjectRef.Of.PROGRAM.syntax());
        private final OptionSpec json = flag("print as JSON, with bpftool's field names", "--json", "-j");
        private final OptionSpec opcodes = flag("also print each instruction's bytes", "--opcodes");

        Dump() {
            super("dump", "Print a program's instructions as the kernel runs them (after the verifier's rewrites).");
        }

        @Override
        public Integer call() {
            List<String> w = Words.of(words);
            if (!w.get(0).equals("xlated")) {
                throw usageError("jbpf prog dump prints 'xlated' instructions (jited code is machine code: use bpftool)");
            }
            ObjectRef ref = Words.ref(this, w, 1, ObjectRef.Of.PROGRAM);
            byte[] insns;
            try (BpfProgram p = ref.program()) {
                insns = KernelInfo.xlated(p.fd(), "program id " + p.id());
            }
            if (insns.length == 0) {
                throw new BpfException("the kernel shows no instructions for " + ref
                        + " (kernel.kptr_restrict, or jbpf lacks CAP_SYS_ADMIN)");
            }
            List<Disassembler.Line> lines = Disassembler.disassemble(insns);
            PrintWriter out = out();
            if (isSet(json)) {
                out.println(Json.write(lines.stream().map(l -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("disasm", l.text());
                    if (isSet(opcodes)) {
                        m.put("opcodes", l.opcodes());
                    }
                    return m;
                }).toList()));
                return 0;
            }
            for (Disassembler.Line l : lines) {
                out.println(Text.right(l.index(), 4) + ": " + l.text());
                if (isSet(opcodes)) {
                    out.println("       " + l.opcodes());
                }
            }
            return 0;
        }
    }
}
