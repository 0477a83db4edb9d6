package io.jbpf.cli;

import static io.jbpf.cli.Text.left;

import io.jbpf.common.BpfException;
import io.jbpf.link.CgroupQuery;
import io.jbpf.uapi.AttachType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            List<Map<String, Object>> rows = new ArrayList<>();
            for (CgroupQuery.Cgroup cg : CgroupQuery.tree(top)) {
                List<Map<String, Object>> progs = new ArrayList<>();
                for (CgroupQuery.Program p : cg.programs()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", p.id());
                    m.put("attach_type", Names.of(p.attachType()));
                    m.put("attach_flags", switch (p.mode()) {
                        case MULTI -> "multi";
                        case OVERRIDE -> "override";
                        case EXCLUSIVE -> "";
                    });
                    m.put("name", NetCommand.programName(p.id())); // bpftool's full name, from BTF
                    progs.add(m);
                }
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("cgroup", cg.path().toString());
                r.put("programs", progs);
                rows.add(r);
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

    /** The first cgroup2 mount of this mount namespace. */
    static Path cgroup2Mount() {
        List<Path> mounts = CgroupQuery.mountPoints();
        if (mounts.isEmpty()) {
            throw new BpfException("no cgroup2 file system is mounted (mount -t cgroup2 none /sys/fs/cgroup); "
                    + "or name the cgroup root: jbpf cgroup tree ROOT");
        }
        return mounts.get(0);
    }
}
