package io.jbpf.cli;

import io.jbpf.KernelInfo;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfAttr.LinkInfo;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.link.BpfLink;
import io.jbpf.link.XdpAttach;
import io.jbpf.link.XdpStatus;
import io.jbpf.uapi.LinkType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code jbpf link list|show|pin|detach}: the bpf_links in the kernel, as bpftool link shows them. */
final class LinkCommand extends CliCommand {
    LinkCommand() {
        super("link", "Inspect, pin and detach BPF links (as bpftool link).", "LINK is " + ObjectRef.Of.LINK.syntax() + ".");
        sub("show", new Show("show"));
        sub("list", new Show("list"));
        sub("pin", new Pin());
        sub("detach", new Detach());
    }

    @Override
    public Integer call() {
        throw usageError("missing link command (list, show, pin, detach)");
    }

    /** {@code link show [LINK]} and its alias {@code link list}. */
    static final class Show extends CliCommand {
        private final PositionalParamSpec words = words(0, "0..2", "LINK",
                "the link: " + ObjectRef.Of.LINK.syntax() + "; every link when omitted");
        private final OptionSpec json = flag("print as JSON, with bpftool's field names", "--json", "-j");

        Show(String name) {
            super(name, "Show links: id, type, program and what it is attached to.");
        }

        @Override
        public Integer call() {
            List<String> w = Words.of(words);
            List<BpfLink> links = new ArrayList<>();
            if (w.isEmpty()) {
                for (int id : BpfLink.ids()) {
                    try {
                        links.add(BpfLink.fromId(id));
                    } catch (BpfException e) {
                        // released since it was listed
                    }
                }
            } else {
                ObjectRef ref = Words.ref(this, w, 0, ObjectRef.Of.LINK);
                Words.noMore(this, w, 2);
                links.add(ref.link());
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            Devices devices = new Devices();
            try {
                for (BpfLink l : links) {
                    rows.add(linkRow(l, devices));
                }
            } finally {
                links.forEach(BpfLink::close);
            }
            PrintWriter out = out();
            if (isSet(json)) {
                out.println(Json.write(w.isEmpty() ? rows : rows.get(0)));
            } else {
                rows.forEach(r -> text(out, r));
            }
            return 0;
        }
    }

    /** Device names by ifindex in this network namespace, read once when a link needs one. */
    static final class Devices {
        private Map<Integer, String> names;

        String name(int ifindex) {
            if (names == null) {
                names = new LinkedHashMap<>();
                for (XdpStatus s : XdpAttach.queryAll()) {
                    names.put(s.ifindex(), s.ifname());
                }
            }
            return names.get(ifindex);
        }
    }

    /** bpftool's fields for one link (link show -j; upstream bpftool's detail fields), read now. */
    static Map<String, Object> linkRow(BpfLink link, Devices devices) {
        KernelInfo.Link info = link.info();
        NativeMemory raw = Native.allocate(LinkInfo.SIZE);
        if (BpfSyscall.objGetInfoByFd(link.fd(), raw.address(), LinkInfo.SIZE) < 0) {
            raw.fill(0, LinkInfo.SIZE, (byte) 0); // the head is in info already; details stay out
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", info.id());
        r.put("type", Names.of(info.type()));
        r.put("prog_id", info.progId());
        switch (info.type()) {
            case RAW_TRACEPOINT -> r.put("tp_name", rawTracepointName(link.fd()));
            case TRACING -> {
                r.put("attach_type", Names.attachType(raw.getInt(LinkInfo.TRACING_ATTACH_TYPE)));
                r.put("target_obj_id", raw.getInt(LinkInfo.TRACING_TARGET_OBJ_ID));
                r.put("target_btf_id", raw.getInt(LinkInfo.TRACING_TARGET_BTF_ID));
            }
            case CGROUP -> {
                r.put("cgroup_id", raw.getLong(LinkInfo.CGROUP_ID));
                r.put("attach_type", Names.attachType(raw.getInt(LinkInfo.CGROUP_ATTACH_TYPE)));
            }
            case NETNS -> {
                r.put("netns_ino", Integer.toUnsignedLong(raw.getInt(LinkInfo.NETNS_INO)));
                r.put("attach_type", Names.attachType(raw.getInt(LinkInfo.NETNS_ATTACH_TYPE)));
            }
            case XDP, TCX, NETKIT -> {
                int ifindex = raw.getInt(LinkInfo.DEV_IFINDEX);
                String dev = ifindex == 0 ? "(detached)" : devices.name(ifindex);
                r.put("devname", dev != null ? dev : "(in another netns)");
                r.put("ifindex", ifindex);
                if (info.type() != LinkType.XDP) {
                    r.put("attach_type", Names.attachType(raw.getInt(LinkInfo.DEV_ATTACH_TYPE)));
                }
            }
            case NETFILTER -> {
                r.put("pf", raw.getInt(LinkInfo.NETFILTER_PF));
                r.put("hook", raw.getInt(LinkInfo.NETFILTER_HOOKNUM));
                r.put("prio", raw.getInt(LinkInfo.NETFILTER_PRIORITY));
                r.put("flags", raw.getInt(LinkInfo.NETFILTER_FLAGS));
            }
            case SOCKMAP -> {
                r.put("map_id", raw.getInt(LinkInfo.MAP_ID));
                r.put("attach_type", Names.attachType(raw.getInt(LinkInfo.SOCKMAP_ATTACH_TYPE)));
            }
            case STRUCT_OPS -> r.put("map_id", raw.getInt(LinkInfo.MAP_ID));
            case PERF_EVENT -> {
                if (info.tracepoint() != null) {
                    r.put("tracepoint", info.tracepoint());
                }
            }
            default -> {
            }
        }
        return r;
    }

    /** The tracepoint of a raw tracepoint link: a second info call with a buffer for the name. */
    private static String rawTracepointName(int fd) {
        NativeMemory raw = Native.allocate(LinkInfo.SIZE);
        NativeMemory name = Native.allocate(256);
        raw.putLong(LinkInfo.RAW_TP_NAME, name.address());
        raw.putInt(LinkInfo.RAW_TP_NAME_LEN, 256);
        if (BpfSyscall.objGetInfoByFd(fd, raw.address(), LinkInfo.SIZE) < 0) {
            return "";
        }
        return name.getString(0, 256);
    }

    /** bpftool link show's text layout for one link. */
    static void text(PrintWriter out, Map<String, Object> r) {
        out.println(r.get("id") + ": " + r.get("type") + "  prog " + r.get("prog_id"));
        StringBuilder b = new StringBuilder();
        r.forEach((k, v) -> {
            switch (k) {
                case "id", "type", "prog_id" -> {
                }
                case "tp_name" -> b.append("  tp '").append(v).append("'");
                default -> b.append("  ").append(k).append(' ').append(v);
            }
        });
        if (b.length() > 0) {
            out.println("\t" + b.substring(2));
        }
    }

    /** {@code link pin LINK FILE}. */
    static final class Pin extends CliCommand {
        private final PositionalParamSpec words = words(0, "3", "LINK FILE",
                "the link (" + ObjectRef.Of.LINK.syntax() + ") and the bpffs path to pin it at");

        Pin() {
            super("pin", "Pin a link in bpffs, so the attachment outlives the process that made it.");
        }

        @Override
        public Integer call() {
            List<String> w = Words.of(words);
            ObjectRef ref = Words.ref(this, w, 0, ObjectRef.Of.LINK);
            Path file = Path.of(w.get(2));
            try (BpfLink l = ref.link()) {
                l.pin(file);
                out().println("Pinned link " + l.id() + " at " + file);
            }
            return 0;
        }
    }

    /** {@code link detach LINK}. */
    static final class Detach extends CliCommand {
        private final PositionalParamSpec words = words(0, "2", "LINK", "the link: " + ObjectRef.Of.LINK.syntax());

        Detach() {
            super("detach", "Detach a link's program from its hook now, whoever holds the link.",
                    "The link stays, defunct, until its last fd and pin go; remove its pin too.");
        }

        @Override
        public Integer call() {
            List<String> w = Words.of(words);
            ObjectRef ref = Words.ref(this, w, 0, ObjectRef.Of.LINK);
            try (BpfLink l = ref.link()) {
                KernelInfo.Link info = l.info();
                l.detach();
                out().println("Detached " + Names.of(info.type()) + " link " + l.id() + " (prog " + info.progId() + ")");
            }
            return 0;
        }
    }
}
