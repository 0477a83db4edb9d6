package io.jbpf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.BpfMap;
import io.jbpf.BpfObject;
import io.jbpf.BpfProgram;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import io.jbpf.link.TracepointLink;
import io.jbpf.link.XdpBpfLink;
import io.jbpf.testing.BpfFs;
import io.jbpf.testing.CliRun;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.NetNs;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.uapi.AttachType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bpftool-shaped commands against bpftool itself (a test-only cross-check): with programs of
 * cli_inspect.o attached to a veth's XDP hook in a test netns, a test cgroup, that netns's flow
 * dissector and a tracepoint, {@code jbpf prog|map|link list}, {@code net}, {@code cgroup tree}
 * and {@code prog dump xlated} must agree with bpftool on ids, types, names, tags and attach
 * points; typed map updates must read back the same through jbpf and bpftool.
 */
class CliInspectIT {
    private static final String SUFFIX = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    private static final String NETNS = "jcl" + SUFFIX;
    private static final String DEV = "jcl0";
    private static final Path CGROUP = Path.of("/sys/fs/cgroup/unified/jcl-" + SUFFIX);
    private static final Path PINS = Path.of("/sys/fs/bpf/jcl-" + SUFFIX);

    private static BpfObject obj;
    private static XdpBpfLink xdp;
    private static TracepointLink tp;
    private static int cgroupLink = -1;
    private static int dissectorLink = -1;

    @BeforeAll
    static void setUp() throws IOException {
        Kernel.require();
        sh("ip", "netns", "add", NETNS);
        sh("ip", "-n", NETNS, "link", "add", DEV, "type", "veth", "peer", "name", "jcl1");
        sh("ip", "-n", NETNS, "link", "set", DEV, "up");
        Files.createDirectories(CGROUP);
        obj = BpfObject.load(Objects.path("hooks/cli_inspect.o"));
        xdp = NetNs.call(NETNS, () -> XdpBpfLink.attach(obj.program("cli_xdp"), DEV, null));
        tp = TracepointLink.attach(obj.program("cli_tp"));
        cgroupLink = link(obj.program("cli_cg_egress"), CGROUP.toString(), AttachType.CGROUP_INET_EGRESS);
        dissectorLink = link(obj.program("cli_dissect"), "/run/netns/" + NETNS, AttachType.FLOW_DISSECTOR);
    }

    /** A bpf_link made with the raw call (the cgroup and netns link classes live on other branches). */
    private static int link(BpfProgram prog, String target, AttachType type) {
        int fd = LibC.open(target, LibC.O_RDONLY_CLOEXEC);
        assertThat(fd).as("open " + target).isGreaterThanOrEqualTo(0);
        try {
            int link = BpfSyscall.linkCreate(prog.fd(), fd, type.value, 0);
            assertThat(link).as("link " + prog.name() + " to " + target).isGreaterThanOrEqualTo(0);
            return link;
        } finally {
            Native.closeQuietly(fd);
        }
    }

    @AfterAll
    static void tearDown() throws IOException {
        Native.closeQuietly(cgroupLink);
        Native.closeQuietly(dissectorLink);
        if (tp != null) {
            tp.close();
        }
        if (xdp != null) {
            xdp.close();
        }
        if (obj != null) {
            obj.close();
        }
        Sh.run("ip", "netns", "del", NETNS);
        if (Files.exists(PINS)) {
            try (Stream<Path> s = Files.walk(PINS)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        Sh.run("rmdir", CGROUP.toString());
    }

    private static void sh(String... cmd) {
        Sh.Result r = Sh.run(cmd);
        assertThat(r.exit()).as(String.join(" ", cmd) + ": " + r.all()).isZero();
    }

    private static CliRun jbpf(String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.exit()).as("jbpf " + String.join(" ", args) + ": " + r.err()).isZero();
        return r;
    }

    private static Object bpftoolJson(String... args) {
        List<String> cmd = new ArrayList<>(List.of("bpftool", "-j"));
        cmd.addAll(List.of(args));
        Sh.Result r = Sh.run(cmd);
        assertThat(r.exit()).as(cmd + ": " + r.all()).isZero();
        return Json.parse(r.out().trim());
    }

    /** The elements of a JSON array listing by their "id". */
    @SuppressWarnings("unchecked")
    private static Map<Long, Map<String, Object>> byId(Object listing) {
        Map<Long, Map<String, Object>> out = new LinkedHashMap<>();
        for (Object o : (List<Object>) listing) {
            Map<String, Object> m = (Map<String, Object>) o;
            out.put(((Number) m.get("id")).longValue(), m);
        }
        return out;
    }

    @Test
    void progListAgreesWithBpftool() {
        int before = Fds.count();
        Map<Long, Map<String, Object>> ours = byId(Json.parse(jbpf("prog", "list", "-j").out()));
        assertThat(Fds.count()).as("no fd left open by the listing").isEqualTo(before);
        Map<Long, Map<String, Object>> theirs = byId(bpftoolJson("prog", "list"));
        for (BpfProgram p : obj.programs().values()) {
            Map<String, Object> o = ours.get((long) p.id());
            Map<String, Object> t = theirs.get((long) p.id());
            assertThat(o).as("jbpf lists " + p.name()).isNotNull();
            for (String k : List.of("type", "name", "tag", "gpl_compatible", "uid", "bytes_xlated", "jited", "bytes_jited",
                    "bytes_memlock", "map_ids", "btf_id")) {
                assertThat(o.get(k)).as(p.name() + " " + k).isEqualTo(t.get(k));
            }
            assertThat(((Number) o.get("loaded_at")).longValue()).as(p.name() + " loaded_at")
                    .isBetween(((Number) t.get("loaded_at")).longValue() - 1, ((Number) t.get("loaded_at")).longValue() + 1);
            // the text form: bpftool's first line, word for word
            String ourText = jbpf("prog", "show", "id", String.valueOf(p.id())).out();
            String theirText = Sh.run("bpftool", "prog", "show", "id", String.valueOf(p.id())).out();
            assertThat(ourText.lines().findFirst()).isEqualTo(theirText.lines().findFirst());
        }
        assertThat(jbpf("prog", "show", "name", "cli_dissect", "-j").out()).contains("\"name\":\"cli_dissect\"");
    }

    @Test
    void mapListAgreesWithBpftool() {
        Map<Long, Map<String, Object>> ours = byId(Json.parse(jbpf("map", "list", "-j").out()));
        Map<Long, Map<String, Object>> theirs = byId(bpftoolJson("map", "list"));
        for (BpfMap m : obj.maps().values()) {
            Map<String, Object> t = new LinkedHashMap<>(theirs.get((long) m.id()));
            t.remove("pids"); // bpftool's list of processes holding the map: this JVM
            assertThat(ours.get((long) m.id())).as(m.name()).isEqualTo(t);
            String ourText = jbpf("map", "show", "id", String.valueOf(m.id())).out();
            String theirText = Sh.run("bpftool", "map", "show", "id", String.valueOf(m.id())).out();
            assertThat(ourText.lines().limit(2).toList()).isEqualTo(theirText.lines().limit(2).toList());
        }
    }

    @Test
    void linkListAgreesWithBpftool() {
        Map<Long, Map<String, Object>> ours = byId(Json.parse(jbpf("link", "list", "-j").out()));
        Map<Long, Map<String, Object>> theirs = byId(bpftoolJson("link", "list"));
        List<Long> ids = List.of((long) xdp.id(), (long) tp.info().id(), (long) linkId(cgroupLink), (long) linkId(dissectorLink));
        for (long id : ids) {
            Map<String, Object> o = ours.get(id);
            Map<String, Object> t = theirs.get(id);
            assertThat(o).as("jbpf lists link " + id).isNotNull();
            assertThat(o.get("prog_id")).isEqualTo(t.get("prog_id"));
            assertThat(o.get("type")).isEqualTo(t.get("type")); // xdp, perf_event, cgroup, netns: names 7.1 knows
            t.forEach((k, v) -> {
                if (!k.equals("pids")) {
                    assertThat(o.get(k)).as("link " + id + " " + k).isEqualTo(v);
                }
            });
        }
        Map<String, Object> cg = ours.get((long) linkId(cgroupLink));
        assertThat(cg.get("attach_type")).isEqualTo("cgroup_inet_egress");
        assertThat(((Number) cg.get("cgroup_id")).longValue()).as("the cgroup directory's inode")
                .isEqualTo(Long.parseLong(Sh.run("stat", "-c", "%i", CGROUP.toString()).out().trim()));
        Map<String, Object> x = ours.get((long) xdp.id());
        assertThat(x.get("ifindex")).isNotEqualTo(0);
        assertThat(ours.get((long) tp.info().id()).get("tracepoint")).isEqualTo("sys_enter_getppid");
    }

    private static int linkId(int fd) {
        return io.jbpf.KernelInfo.link(fd, "link").id();
    }

    @Test
    void netAgreesWithBpftool() {
        // bpftool 7.1 writes invalid JSON when a flow dissector is attached: compare the text
        String ours = CliRun.in(NETNS, "net").out();
        String theirs = Sh.run("nsenter", "--net=/run/netns/" + NETNS, "bpftool", "net").out();
        assertThat(section(ours, "xdp:")).as(ours).isEqualTo(section(theirs, "xdp:"))
                .singleElement().asString().startsWith(DEV + "(").endsWith("driver id " + obj.program("cli_xdp").id());
        assertThat(section(ours, "flow_dissector:")).isEqualTo(section(theirs, "flow_dissector:"))
                .containsExactly("id " + obj.program("cli_dissect").id());
        String json = CliRun.in(NETNS, "net", "-j").out();
        assertThat(Json.write(Json.parse(json))).contains("\"mode\":\"driver\",\"id\":" + obj.program("cli_xdp").id(),
                "\"flow_dissector\":[{\"id\":" + obj.program("cli_dissect").id() + "}]");
    }

    /** The lines of one section of bpftool net's text ("xdp:" ... blank line). */
    private static List<String> section(String text, String header) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String l : text.lines().toList()) {
            if (l.equals(header)) {
                in = true;
            } else if (in && (l.isBlank() || l.endsWith(":"))) {
                break;
            } else if (in) {
                out.add(l.trim());
            }
        }
        return out;
    }

    @Test
    void cgroupTreeAgreesWithBpftool() {
        Object ours = Json.parse(jbpf("cgroup", "tree", CGROUP.toString(), "-j").out());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> theirs = (List<Map<String, Object>>) bpftoolJson("cgroup", "tree", CGROUP.toString());
        List<Map<String, Object>> trimmed = new ArrayList<>();
        for (Map<String, Object> cg : theirs) {
            Map<String, Object> c = new LinkedHashMap<>(cg);
            c.put("programs", ((List<?>) cg.get("programs")).stream().map(p -> {
                Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) p);
                m.keySet().removeIf(k -> k.startsWith("attach_btf"));
                return m;
            }).toList());
            trimmed.add(c);
        }
        assertThat(ours).isEqualTo(trimmed);
        assertThat(Json.write(ours)).contains("\"attach_type\":\"cgroup_inet_egress\",\"attach_flags\":\"multi\","
                + "\"name\":\"cli_cg_egress\"");
    }

    @Test
    @SuppressWarnings("unchecked")
    void dumpXlatedAgreesWithBpftool() {
        for (BpfProgram p : obj.programs().values()) {
            List<Object> ours = (List<Object>) Json.parse(jbpf("prog", "dump", "xlated", "id", String.valueOf(p.id()), "-j").out());
            List<Object> theirs = (List<Object>) bpftoolJson("prog", "dump", "xlated", "id", String.valueOf(p.id()));
            // bpftool 7.1 predates the kernel's per-CPU address move (BPF_ADDR_PERCPU, off -1) and prints it as a
            // plain move; jbpf prints it as the kernel's own disassembler does
            assertThat(ours.stream().map(o -> ((String) ((Map<String, Object>) o).get("disasm"))
                    .replaceAll("= &\\(void __percpu \\*\\)\\((r\\d+)\\)$", "= $1")).toList()).as(p.name())
                    .isEqualTo(theirs.stream().map(o -> ((Map<String, Object>) o).get("disasm")).toList())
                    .isNotEmpty();
        }
    }

    /** map dump takes bpftool's words for the map too, and prints what the options select. */
    @Test
    void mapDumpByBpftoolsWordsIsTheSameDump() {
        String id = String.valueOf(obj.map("cli_typed").id());
        jbpf("map", "update", "id", id, "key", "addr=1", "port=2", "proto=3", "value", "packets=7", "name=dump");
        String byOption = jbpf("map", "dump", "--id", id, "--json").out();
        assertThat(byOption).contains("\"packets\":7", "\"name\":\"dump\"");
        assertThat(jbpf("map", "dump", "id", id, "--json").out()).isEqualTo(byOption);
        try (BpfFs fs = new BpfFs()) {
            Path pin = fs.dir.resolve("cli_typed");
            obj.map("cli_typed").pin(pin);
            assertThat(jbpf("map", "dump", "pinned", pin.toString(), "--json").out()).isEqualTo(byOption);
        }
        CliRun byName = CliRun.of("map", "dump", "name", "cli_typed");
        assertThat(byName.exit() == 0 ? byName.out() : byName.err()).as("one map of that name, or a clear choice")
                .containsAnyOf("dump", "pick one with --id");
        CliRun both = CliRun.of("map", "dump", "id", id, "--id", id);
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("select one map", "--id " + id, "id " + id);
        jbpf("map", "delete", "id", id, "key", "addr=1", "port=2", "proto=3");
    }

    @Test
    @SuppressWarnings("unchecked")
    void typedUpdateThenLookupRoundTrips() {
        String id = String.valueOf(obj.map("cli_typed").id());
        jbpf("map", "update", "id", id, "key", "addr=167772161", "port=80", "proto=6",
                "value", "packets=5", "name=abc", "color=CLI_GREEN", "delta=-3");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("packets", 5L);
        expected.put("name", "abc");
        expected.put("color", "CLI_GREEN");
        expected.put("delta", -3L);
        Map<String, Object> looked = (Map<String, Object>) Json.parse(
                jbpf("map", "lookup", "id", id, "key", "{\"addr\":167772161,\"port\":80,\"proto\":6}", "-j").out());
        assertThat(looked.get("value")).isEqualTo(expected);
        assertThat(looked.get("key")).isEqualTo(Json.parse("{\"addr\":167772161,\"port\":80,\"proto\":6}"));
        // bpftool reads the same bytes the same way
        Map<String, Object> theirs = (Map<String, Object>) bpftoolJson("map", "lookup", "id", id,
                "key", "hex", "01", "00", "00", "0a", "50", "00", "06", "00");
        assertThat(((Map<String, Object>) theirs.get("formatted")).get("value")).isEqualTo(expected);
        // the same key as bytes, and JSON for the value
        jbpf("map", "update", "id", id, "key", "hex", "01", "00", "00", "0a", "50", "00", "06", "00",
                "value", "{\"packets\":6,\"name\":\"xyz\",\"color\":1}", "exist");
        assertThat(jbpf("map", "lookup", "id", id, "key", "1", "0", "0", "10", "80", "0", "6", "0").out())
                .contains("packets: 6", "name: xyz", "color: CLI_RED", "delta: 0");
        CliRun clash = CliRun.of("map", "update", "id", id, "key", "addr=1", "value", "packets=1", "color=BLUE");
        assertThat(clash.exit()).isEqualTo(2);
        assertThat(clash.err()).contains("color", "'BLUE' is not a constant", "CLI_RED, CLI_GREEN");
        jbpf("map", "delete", "id", id, "key", "addr=167772161", "port=80", "proto=6");
        CliRun gone = CliRun.of("map", "lookup", "id", id, "key", "addr=167772161", "port=80", "proto=6");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("no entry", "ENOENT");

        // a per-CPU array: one value written to every CPU, read back per CPU
        String hits = String.valueOf(obj.map("cli_hits").id());
        jbpf("map", "update", "id", hits, "key", "3", "value", "41");
        Map<String, Object> h = (Map<String, Object>) Json.parse(jbpf("map", "lookup", "id", hits, "key", "3", "-j").out());
        assertThat((List<Object>) h.get("values")).isNotEmpty()
                .allSatisfy(v -> assertThat(((Map<String, Object>) v).get("value")).isEqualTo(41L));
    }

    @Test
    void pinAndDetachAsBpftoolSeesThem() throws IOException {
        Files.createDirectories(PINS);
        Path progPin = PINS.resolve("prog");
        Path mapPin = PINS.resolve("map");
        Path linkPin = PINS.resolve("link");
        jbpf("prog", "pin", "id", String.valueOf(obj.program("cli_tp").id()), progPin.toString());
        jbpf("map", "pin", "id", String.valueOf(obj.map("cli_typed").id()), mapPin.toString());
        jbpf("link", "pin", "id", String.valueOf(linkId(cgroupLink)), linkPin.toString());
        assertThat(Sh.run("bpftool", "prog", "show", "pinned", progPin.toString()).out())
                .startsWith(obj.program("cli_tp").id() + ": tracepoint");
        assertThat(Sh.run("bpftool", "map", "show", "pinned", mapPin.toString()).out())
                .startsWith(obj.map("cli_typed").id() + ": hash");
        assertThat(Sh.run("bpftool", "link", "show", "pinned", linkPin.toString()).out())
                .startsWith(linkId(cgroupLink) + ": cgroup");
        // a pinned program or map is not a link: the kind is checked before anything is done
        CliRun wrong = CliRun.of("link", "detach", "pinned", progPin.toString());
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("is a BPF program, not a link");

        jbpf("link", "detach", "pinned", linkPin.toString());
        assertThat(Json.parse(jbpf("cgroup", "tree", CGROUP.toString(), "-j").out())).as("nothing left on the cgroup")
                .isEqualTo(List.of());
        assertThat(Sh.run("bpftool", "link", "show", "pinned", linkPin.toString()).out()).as("defunct link")
                .contains("cgroup_id 0");
        CliRun perf = CliRun.of("link", "detach", "id", String.valueOf(tp.info().id()));
        assertThat(perf.exit()).isEqualTo(1);
        assertThat(perf.err()).contains("cannot be detached", "EOPNOTSUPP");
        // relink for the other tests, which may run after this one
        Native.closeQuietly(cgroupLink);
        Files.delete(linkPin);
        cgroupLink = link(obj.program("cli_cg_egress"), CGROUP.toString(), AttachType.CGROUP_INET_EGRESS);
    }

    @Test
    void loadAttachPinsLinksAndRefusesUnwiredHooks() throws IOException {
        Path dir = PINS.resolve("load");
        String object = Objects.str("hooks/cli_inspect.o");
        int fds = Fds.count();
        CliRun all = CliRun.of("load", object, "--attach", "--pin", dir.toString());
        assertThat(all.exit()).isEqualTo(1);
        assertThat(all.err()).contains("XDP program cli_xdp needs a device: give --dev DEV");
        assertThat(dir).as("nothing left pinned after the failure").doesNotExist();
        CliRun unwired = CliRun.of("load", Objects.str("hooks/cli_unattachable.o"), "--attach", "--pin", dir.toString());
        assertThat(unwired.exit()).isEqualTo(1);
        assertThat(unwired.err()).contains("(section syscall)", "BPF_PROG_TYPE_SYSCALL", "cannot attach",
                "tracepoint/<category>/<name>");
        assertThat(dir).as("refused before anything is loaded or pinned").doesNotExist();

        CliRun one = CliRun.of("load", object, "--attach", "--prog", "cli_tp", "--pin", dir.toString());
        assertThat(one.exit()).as(one.err()).isZero();
        Path linkPin = dir.resolve("links/cli_tp");
        assertThat(one.out()).contains("tracepoint syscalls/sys_enter_getppid", "link pinned at " + linkPin);
        assertThat(Fds.count()).as("the CLI closed what it opened").isEqualTo(fds);
        String shown = Sh.run("bpftool", "link", "show", "pinned", linkPin.toString()).out();
        assertThat(shown).as("the link outlives the command").contains("perf_event");

        CliRun noPin = CliRun.of("load", object, "--attach", "--prog", "cli_tp");
        assertThat(noPin.exit()).isEqualTo(1);
        assertThat(noPin.err()).contains("ends when jbpf exits", "--pin DIR");

        // jbpf attach: the pinned program again, to the tracepoint given on the command line
        CliRun attach = CliRun.of("attach", "pinned", dir.resolve("cli_tp").toString(), "--tracepoint",
                "syscalls/sys_enter_getpid", "--pin", dir.resolve("second").toString());
        assertThat(attach.exit()).as(attach.err()).isZero();
        assertThat(Sh.run("bpftool", "link", "show", "pinned", dir.resolve("second").toString()).out()).contains("perf_event");
        CliRun noTp = CliRun.of("attach", "pinned", dir.resolve("cli_tp").toString(), "--pin", dir.resolve("x").toString());
        assertThat(noTp.exit()).isEqualTo(1);
        assertThat(noTp.err()).contains("give --tracepoint CATEGORY/NAME");

        // XDP through a bpf_link from the CLI, then jbpf detach of the pinned program
        CliRun x = CliRun.in(NETNS, "load", object, "--attach", "--prog", "cli_xdp", "--dev", "jcl1", "--xdp-via", "link",
                "--pin", dir.resolve("x").toString());
        assertThat(x.exit()).as(x.err()).isZero();
        assertThat(Sh.run("nsenter", "--net=/run/netns/" + NETNS, "bpftool", "net").out()).contains("jcl1(");
        CliRun d = CliRun.of("detach", "pinned", dir.resolve("x/cli_xdp").toString());
        assertThat(d.exit()).as(d.err()).isZero();
        assertThat(d.out()).contains("xdp link");
        assertThat(Sh.run("nsenter", "--net=/run/netns/" + NETNS, "bpftool", "net").out()).doesNotContain("jcl1(");
    }
}
