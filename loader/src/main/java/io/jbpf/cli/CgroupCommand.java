package io.jbpf.cli;

import static io.jbpf.cli.Text.left;

import io.jbpf.common.BpfException;
import io.jbpf.link.AttachedPrograms;
import io.jbpf.uapi.AttachType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code jbpf cgroup tree [ROOT]}: the programs attached anywhere under a cgroup v2 root, as bpftool cgroup tree. */
final class CgroupCommand extends CliCommand {
    CgroupCommand() {
        super("cgroup", "Inspect programs attached to cgroups (as bpftool cgroup).");
        sub("tree", new Tree());
    }

    @Override
    public Integer call() {
        throw usageError("missing cgroup command (tree)");
    }

    /** The attach types a cgroup can hold programs for. */
    static final List<AttachType> CGROUP_TYPES = Stream.of(AttachType.values())
            .filter(t -> t.name().startsWith("CGROUP_") || t == AttachType.LSM_CGROUP).toList();

    /** {@code cgroup tree [ROOT]}. */
    static final class Tree extends CliCommand {
        private final PositionalParamSpec root = positional(0, "0..1", "ROOT", Path.class,
                "the cgroup v2 directory to walk (default: where cgroup2 is mounted)");
        private final OptionSpec json = flag("print as JSON, with bpftool's field names", "--json", "-j");

        Tree() {
            super("tree", "List the programs attached to each cgroup under ROOT (cgroups without programs are left out).");
        }

        @Override
        public Integer call() {
            Path top = root.getValue() != null ? root.getValue() : cgroup2Mount();
            List<Path> cgroups;
            try (Stream<Path> walk = Files.walk(top)) {
                cgroups = walk.filter(Files::isDirectory).toList();
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new BpfException("cannot walk cgroup tree " + top + ": " + e.getMessage());
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Path cg : cgroups) {
                List<Map<String, Object>> progs = programs(cg);
                if (!progs.isEmpty()) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("cgroup", cg.toString());
                    r.put("programs", progs);
                    rows.add(r);
                }
            }
            PrintWriter out = out();
            if (isSet(json)) {
                out.println(Json.write(rows));
                return 0;
            }
            out.println("CgroupPath");
            out.println(left("ID", 8) + " " + left("AttachType", 15) + " " + left("AttachFlags", 15) + " Name");
            for (Map<String, Object> r : rows) {
                out.println(r.get("cgroup"));
                for (Object o : (List<?>) r.get("programs")) {
                    Map<?, ?> p = (Map<?, ?>) o;
                    out.println("    " + left(p.get("id"), 8) + " " + left(p.get("attach_type"), 15) + " "
                            + left(p.get("attach_flags"), 15) + " " + p.get("name"));
                }
            }
            return 0;
        }
    }

    /** The programs attached to {@code cgroup} itself, every attach type, in run order. */
    static List<Map<String, Object>> programs(Path cgroup) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (AttachType t : CGROUP_TYPES) {
            AttachedPrograms a;
            try {
                a = AttachedPrograms.ofCgroup(cgroup, t);
            } catch (BpfException e) {
                continue; // an attach type this kernel does not know (EINVAL), or the cgroup went away
            }
            for (AttachedPrograms.Entry p : a.programs()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", p.progId());
                m.put("attach_type", Names.of(t));
                m.put("attach_flags", flags(p.attachFlags() != 0 ? p.attachFlags() : a.listFlags()));
                m.put("name", NetCommand.programName(p.progId()));
                out.add(m);
            }
        }
        return out;
    }

    /** bpftool's words for cgroup attach flags. */
    static String flags(int f) {
        if ((f & AttachedPrograms.ALLOW_MULTI) != 0) {
            return "multi";
        }
        return (f & AttachedPrograms.ALLOW_OVERRIDE) != 0 ? "override" : "";
    }

    /** The first cgroup2 mount in /proc/mounts. */
    static Path cgroup2Mount() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("cgroup2")) {
                    return Path.of(f[1]);
                }
            }
        } catch (IOException e) {
            // fall through
        }
        throw new BpfException("no cgroup2 file system is mounted (mount -t cgroup2 none /sys/fs/cgroup); "
                + "or name the cgroup root: jbpf cgroup tree ROOT");
    }
}
