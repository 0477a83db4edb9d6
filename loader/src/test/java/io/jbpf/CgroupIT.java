package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfKind;
import io.jbpf.btf.BtfType;
import io.jbpf.common.BpfException;
import io.jbpf.link.CgroupAttachMode;
import io.jbpf.link.CgroupAttachment;
import io.jbpf.link.CgroupLink;
import io.jbpf.link.CgroupPosition;
import io.jbpf.link.CgroupQuery;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.LinkType;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Cgroup v2 hooks, each proven from outside: processes moved into a test cgroup
 * ({@code /sys/fs/cgroup/unified/jcg-*}) ping, connect, make sockets, open devices and read
 * sysctls, and the programs' counters and the commands' results show that the hook ran for them
 * and only for them. The programs are bpf-src/hooks/cgroup_*.c. Attachments through links
 * ({@link CgroupLink}) and BPF_PROG_ATTACH ({@link CgroupAttachment}) in each mode, and the query
 * ({@link CgroupQuery}) checked against bpftool.
 */
class CgroupIT {
    /** Where cgroup v2 is mounted: /sys/fs/cgroup/unified here, /sys/fs/cgroup in the testenv/vm guest. */
    private static final Path ROOT = CgroupQuery.mountPoints().get(0);
    private static final Path PINS = Path.of("/sys/fs/bpf/jcg-pins");
    /** Five pings to loopback in a network namespace of their own: 5 echo requests, 5 replies. */
    private static final String PING5 = "unshare -n sh -c 'ip link set lo up && ping -c 5 -i 0.2 -W 1 127.0.0.1'";

    private final List<Path> cgroups = new ArrayList<>();
    private int fdsBefore;

    @BeforeEach
    void setUp() throws IOException {
        Kernel.require();
        fdsBefore = Fds.count();
        Files.createDirectories(PINS);
    }

    @AfterEach
    void cleanUp() throws IOException {
        // Children first; a cgroup's programs go with it.
        for (int i = cgroups.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(cgroups.get(i));
        }
        try (Stream<Path> pins = Files.list(PINS)) {
            for (Path p : pins.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(PINS);
    }

    /** A fresh cgroup {@code /sys/fs/cgroup/unified/jcg-<name>} (or under {@code parent}), removed after the test. */
    private Path cgroup(Path parent, String name) throws IOException {
        Path cg = parent.resolve(parent.equals(ROOT) ? "jcg-" + name : name);
        removeTree(cg);
        Files.createDirectory(cg);
        cgroups.add(cg);
        return cg;
    }

    private Path cgroup(String name) throws IOException {
        return cgroup(ROOT, name);
    }

    private static void removeTree(Path cg) throws IOException {
        if (Files.isDirectory(cg)) {
            try (Stream<Path> dirs = Files.walk(cg)) {
                for (Path d : dirs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(d);
                }
            }
        }
    }

    /** Runs {@code script} with sh in a process that first moves itself into {@code cg}. */
    private static Sh.Result in(Path cg, String script) {
        return Sh.run("sh", "-c", "echo $$ > " + cg + "/cgroup.procs && " + script);
    }

    private static BpfObject load(String object) {
        return BpfObject.load(Objects.path("hooks/" + object));
    }

    /** The leading {@code order_len} entries of cgroup_skb.c's {@code order}: which tag programs ran, in turn. */
    private static List<Integer> order(BpfObject obj) {
        int n = (int) obj.variable("order_len").getLong();
        ByteBuffer b = ByteBuffer.wrap(obj.variable("order").get()).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, 16); i++) {
            out.add(b.getInt(i * 4));
        }
        return out;
    }

    private static void resetOrder(BpfObject obj) {
        obj.variable("order_len").setLong(0);
    }

    private void assertNoFdLeak() {
        assertThat(Fds.count()).as("fds after everything was closed").isEqualTo(fdsBefore);
        assertThat(cgroupDirFds()).as("cgroup directory fds left open").isZero();
    }

    /** Fds on the test cgroups' directories, which {@link Fds} leaves out with the rest of /sys/fs/cgroup. */
    private static long cgroupDirFds() {
        String[] fds = new File("/proc/self/fd").list();
        long n = 0;
        for (String fd : fds == null ? new String[0] : fds) {
            try {
                if (Files.readSymbolicLink(Path.of("/proc/self/fd", fd)).toString().startsWith(ROOT + "/jcg-")) {
                    n++;
                }
            } catch (IOException e) {
                // closed meanwhile
            }
        }
        return n;
    }

    @Test
    void egressLinkCountsExactlyTheCgroupsEchoRequests() throws IOException {
        Path cg = cgroup("egress");
        try (BpfObject obj = load("cgroup_skb.o")) {
            BpfProgram prog = obj.program("cg_count_egress");
            try (CgroupLink link = CgroupLink.attach(prog, cg)) {
                assertThat(link.attachType()).isEqualTo(AttachType.CGROUP_INET_EGRESS);
                assertThat(link.info().type()).isEqualTo(LinkType.CGROUP);
                assertThat(link.info().progId()).isEqualTo(prog.id());
                assertThat(link.cgroupId()).as("the cgroup id is the directory's inode")
                        .isEqualTo(Files.getAttribute(cg, "unix:ino"));
                Sh.Result ping = in(cg, PING5);
                assertThat(ping.exit()).as(ping.all()).isZero();
                // The same pings from outside the cgroup are not its packets.
                Sh.Result outside = Sh.run("sh", "-c", PING5);
                assertThat(outside.exit()).as(outside.all()).isZero();
                assertThat(obj.variable("egress_echo_requests").getLong()).isEqualTo(5);
            }
            Sh.Result after = in(cg, PING5);
            assertThat(after.exit()).as(after.all()).isZero();
            assertThat(obj.variable("egress_echo_requests").getLong()).as("closing the link detached it").isEqualTo(5);
        }
        assertNoFdLeak();
    }

    @Test
    void ingressAttachmentDropsTheRepliesUntilClosed() throws IOException {
        Path cg = cgroup("ingress");
        try (BpfObject obj = load("cgroup_skb.o")) {
            try (CgroupAttachment a = CgroupAttachment.attach(obj.program("cg_drop_ingress"), cg, CgroupAttachMode.MULTI)) {
                assertThat(a.attachType()).isEqualTo(AttachType.CGROUP_INET_INGRESS);
                Sh.Result ping = in(cg, PING5);
                assertThat(ping.exit()).as("no reply reaches the ping: " + ping.all()).isNotZero();
                assertThat(ping.out()).contains("5 packets transmitted, 0 received");
                assertThat(obj.variable("ingress_dropped_replies").getLong()).isEqualTo(5);
            }
            Sh.Result ping = in(cg, PING5);
            assertThat(ping.exit()).as("detached: " + ping.all()).isZero();
            assertThat(obj.variable("ingress_dropped_replies").getLong()).isEqualTo(5);
        }
        assertNoFdLeak();
    }

    @Test
    void connect4RedirectsTheCgroupsConnectToALocalListener() throws Exception {
        Path cg = cgroup("connect4");
        try (BpfObject obj = load("cgroup_sock.o");
             ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            server.setSoTimeout(10_000);
            int port = server.getLocalPort();
            obj.variable("redirect_from_ip").set(new byte[] {10, (byte) 213, 77, 1});
            obj.variable("redirect_from_port").set(new byte[] {(byte) (7777 >> 8), (byte) (7777 & 0xff), 0, 0});
            obj.variable("redirect_to_port").set(new byte[] {(byte) (port >> 8), (byte) (port & 0xff), 0, 0});
            try (CgroupLink link = CgroupLink.attach(obj.program("cg_connect4"), cg)) {
                assertThat(link.attachType()).isEqualTo(AttachType.CGROUP_INET4_CONNECT);
                Thread client = new Thread(() -> in(cg, "python3 -c \"import socket; "
                        + "s = socket.create_connection(('10.213.77.1', 7777), timeout=5); s.sendall(b'jcg'); s.close()\""));
                client.start();
                try (Socket s = server.accept(); InputStream inStream = s.getInputStream()) {
                    assertThat(new String(inStream.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("jcg");
                }
                client.join(10_000);
                assertThat(obj.variable("connects_redirected").getLong()).isEqualTo(1);
                // The JVM is not in the cgroup: its connect to the test address is not redirected (where
                // it goes depends on the host's network; it does not reach the listener).
                try (Socket direct = new Socket()) {
                    direct.connect(new InetSocketAddress("10.213.77.1", 7777), 500);
                } catch (IOException e) {
                    // unreachable here: as good as any other outcome but reaching the listener
                }
                server.setSoTimeout(500);
                assertThatThrownBy(server::accept).isInstanceOf(java.net.SocketTimeoutException.class);
                assertThat(obj.variable("connects_redirected").getLong()).isEqualTo(1);
            }
        }
        assertNoFdLeak();
    }

    @Test
    void sockCreateRefusesUdpSocketsInTheCgroupOnly() throws IOException {
        Path cg = cgroup("sockcreate");
        String py = "python3 -c \"import socket\n"
                + "try:\n    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close(); print('udp:ok')\n"
                + "except PermissionError: print('udp:EPERM')\n"
                + "socket.socket(socket.AF_INET, socket.SOCK_STREAM).close(); print('tcp:ok')\"";
        try (BpfObject obj = load("cgroup_sock.o");
             CgroupLink link = CgroupLink.attach(obj.program("cg_sock_create"), cg)) {
            assertThat(link.attachType()).isEqualTo(AttachType.CGROUP_INET_SOCK_CREATE);
            Sh.Result r = in(cg, py);
            assertThat(r.out()).as(r.all()).isEqualTo("udp:EPERM\ntcp:ok\n");
            Sh.Result outside = Sh.run("sh", "-c", py);
            assertThat(outside.out()).as(outside.all()).isEqualTo("udp:ok\ntcp:ok\n");
            assertThat(obj.variable("udp_refused").getLong()).isEqualTo(1);
        }
        assertNoFdLeak();
    }

    @Test
    void sockopsCountsTheConnectionsTheCgroupEstablishes() throws IOException {
        Path cg = cgroup("sockops");
        try (BpfObject obj = load("cgroup_sock.o");
             ServerSocket server = new ServerSocket(0, 16, java.net.InetAddress.getLoopbackAddress());
             CgroupLink link = CgroupLink.attach(obj.program("cg_sockops"), cg)) {
            assertThat(link.attachType()).isEqualTo(AttachType.CGROUP_SOCK_OPS);
            int port = server.getLocalPort();
            // The kernel completes the handshakes into the backlog; nobody needs to accept.
            Sh.Result r = in(cg, "python3 -c \"import socket\nfor i in range(3): socket.create_connection(('127.0.0.1', "
                    + port + ")).close()\"");
            assertThat(r.exit()).as(r.all()).isZero();
            // The JVM's own connection is outside the cgroup.
            new Socket("127.0.0.1", port).close();
            assertThat(obj.variable("active_established").getLong()).isEqualTo(3);
        }
        assertNoFdLeak();
    }

    @Test
    void devRefusesMknodAndOpenOfDevZeroInTheCgroupOnly() throws IOException {
        Path cg = cgroup("dev");
        Path dir = Files.createTempDirectory("jcg-dev");
        try (BpfObject obj = load("cgroup_dev_sysctl.o");
             CgroupLink link = CgroupLink.attach(obj.program("cg_dev"), cg)) {
            assertThat(link.attachType()).isEqualTo(AttachType.CGROUP_DEVICE);
            Sh.Result mknod = in(cg, "mknod " + dir + "/zero c 1 5");
            assertThat(mknod.exit()).isNotZero();
            assertThat(mknod.err()).contains("Operation not permitted");
            long afterMknod = obj.variable("dev_refused").getLong();
            assertThat(afterMknod).isEqualTo(1);
            Sh.Result read = in(cg, "head -c 4 /dev/zero | wc -c");
            assertThat(read.err()).contains("Operation not permitted");
            assertThat(read.out().trim()).isEqualTo("0");
            assertThat(obj.variable("dev_refused").getLong()).isGreaterThan(afterMknod);
            Sh.Result nullOk = in(cg, "head -c 4 /dev/urandom | wc -c");
            assertThat(nullOk.out().trim()).as("other devices stay allowed: " + nullOk.all()).isEqualTo("4");
            Sh.Result outside = Sh.run("mknod", dir + "/zero", "c", "1", "5");
            assertThat(outside.exit()).as("outside the cgroup: " + outside.all()).isZero();
        } finally {
            Files.deleteIfExists(dir.resolve("zero"));
            Files.deleteIfExists(dir);
        }
        assertNoFdLeak();
    }

    @Test
    void sysctlRefusesAReadAndAWriteInTheCgroupOnly() throws IOException {
        Path cg = cgroup("sysctl");
        try (BpfObject obj = load("cgroup_dev_sysctl.o");
             CgroupAttachment a = CgroupAttachment.attach(obj.program("cg_sysctl"), cg, CgroupAttachMode.EXCLUSIVE)) {
            assertThat(a.attachType()).isEqualTo(AttachType.CGROUP_SYSCTL);
            Sh.Result read = in(cg, "cat /proc/sys/kernel/ostype");
            assertThat(read.exit()).isNotZero();
            assertThat(read.err()).contains("Operation not permitted");
            Sh.Result other = in(cg, "cat /proc/sys/kernel/osrelease");
            assertThat(other.out().trim()).isEqualTo(System.getProperty("os.version"));
            // In a UTS namespace of its own, so that a write that got through would change nothing here.
            Sh.Result write = in(cg, "unshare -u sh -c '/bin/echo jcg > /proc/sys/kernel/domainname'");
            assertThat(write.exit()).isNotZero();
            assertThat(write.err()).contains("Operation not permitted");
            assertThat(Sh.run("cat", "/proc/sys/kernel/ostype").out().trim()).as("outside the cgroup").isEqualTo("Linux");
            assertThat(obj.variable("sysctl_refused").getLong()).isEqualTo(2);
        }
        assertNoFdLeak();
    }

    @Test
    void sockoptProgramsRewriteASetAndObserveAGet() throws IOException {
        Path cg = cgroup("sockopt");
        String py = "python3 -c \"import socket\ns = socket.socket()\ns.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 4)\n"
                + "print(s.getsockopt(socket.IPPROTO_IP, socket.IP_TOS))\"";
        try (BpfObject obj = load("cgroup_sock.o");
             CgroupLink set = CgroupLink.attach(obj.program("cg_setsockopt"), cg);
             CgroupLink get = CgroupLink.attach(obj.program("cg_getsockopt"), cg)) {
            assertThat(set.attachType()).isEqualTo(AttachType.CGROUP_SETSOCKOPT);
            assertThat(get.attachType()).isEqualTo(AttachType.CGROUP_GETSOCKOPT);
            Sh.Result r = in(cg, py);
            assertThat(r.out().trim()).as("the program rewrote TOS 0x04 to 0x10: " + r.all()).isEqualTo("16");
            assertThat(Sh.run("sh", "-c", py).out().trim()).as("outside the cgroup").isEqualTo("4");
            assertThat(obj.variable("tos_rewritten").getLong()).isEqualTo(1);
            assertThat(obj.variable("tos_read").getLong()).isEqualTo(1);
        }
        assertNoFdLeak();
    }

    /** The program names {@code bpftool cgroup show} lists for the egress hook of {@code cg}, in its order. */
    private static List<String> bpftoolEgress(Path cg) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\d+\\s+cgroup_inet_egress\\s+\\S+\\s+(\\S+)").matcher(
                Sh.run("bpftool", "cgroup", "show", cg.toString()).out());
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Ids of {@link CgroupQuery#order} of the egress hook. */
    private static List<Integer> egressIds(Path cg) {
        return CgroupQuery.order(cg, AttachType.CGROUP_INET_EGRESS).programs().stream().map(CgroupQuery.Program::id).toList();
    }

    /**
     * Whether this kernel orders cgroup programs, read from its BTF rather than asked through
     * bpf(2): its {@code union bpf_attr} has the {@code link_create.cgroup} member (with
     * {@code expected_revision}) that the cgroup multi-program API added.
     */
    private static boolean kernelOrdersCgroups() throws IOException {
        Btf btf = Btf.parse("vmlinux", Files.readAllBytes(Path.of("/sys/kernel/btf/vmlinux")));
        BtfType attr = btf.find(BtfKind.UNION, "bpf_attr").orElseThrow();
        return hasCgroupTail(btf, attr, 0);
    }

    private static boolean hasCgroupTail(Btf btf, BtfType t, int depth) {
        if (depth > 4 || t.members() == null) {
            return false;
        }
        for (BtfType.Member m : t.members()) {
            BtfType mt = btf.type(btf.skipQualifiers(m.type()));
            if ("cgroup".equals(m.name()) && mt.members() != null
                    && mt.members().stream().anyMatch(x -> "expected_revision".equals(x.name()))) {
                return true;
            }
            if ((mt.kind() == BtfKind.STRUCT || mt.kind() == BtfKind.UNION) && hasCgroupTail(btf, mt, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    @Test
    @Tag("vm")
    void positionsPlaceLinksAndAttachmentsAtTheRevisionQueried() throws IOException {
        Path cg = cgroup("jca-order");
        try (BpfObject obj = load("cgroup_skb.o")) {
            BpfProgram tag1 = obj.program("cg_tag1");
            BpfProgram tag2 = obj.program("cg_tag2");
            BpfProgram tag3 = obj.program("cg_tag3");
            BpfProgram count = obj.program("cg_count_egress");
            if (!kernelOrdersCgroups()) {
                // A kernel without the cgroup multi-program API (Debian's 6.1): every position but
                // LAST is refused, clearly, and the query has no revision.
                assertThatThrownBy(() -> CgroupLink.attach(tag1, cg, CgroupPosition.FIRST))
                        .isInstanceOf(BpfException.class).hasMessageContaining("cannot order cgroup programs")
                        .extracting(e -> ((BpfException) e).errno()).isEqualTo(Errno.EINVAL);
                assertThatThrownBy(() -> CgroupAttachment.attach(tag2, cg, CgroupPosition.FIRST))
                        .isInstanceOf(BpfException.class).hasMessageContaining("cannot order cgroup programs")
                        .extracting(e -> ((BpfException) e).errno()).isEqualTo(Errno.EINVAL);
                assertThat(CgroupQuery.order(cg, AttachType.CGROUP_INET_EGRESS).revision()).isZero();
                assertThat(CgroupQuery.attached(cg)).isEmpty();
                return;
            }
            CgroupQuery.Order empty = CgroupQuery.order(cg, AttachType.CGROUP_INET_EGRESS);
            assertThat(empty.programs()).isEmpty();
            assertThat(empty.revision()).as("a hook nothing was attached to").isEqualTo(1);
            try (CgroupLink l1 = CgroupLink.attach(tag1, cg);
                 CgroupLink l3 = CgroupLink.attach(tag3, cg, CgroupPosition.FIRST);
                 CgroupLink l2 = CgroupLink.attach(tag2, cg, CgroupPosition.after(l3).atRevision(3))) {
                CgroupQuery.Order order = CgroupQuery.order(cg, AttachType.CGROUP_INET_EGRESS);
                assertThat(order.revision()).isEqualTo(4);
                assertThat(egressIds(cg)).containsExactly(tag3.id(), tag2.id(), tag1.id());
                assertThat(bpftoolEgress(cg)).as("bpftool agrees").containsExactly("cg_tag3", "cg_tag2", "cg_tag1");
                assertThat(in(cg, "ping -c 1 -W 1 127.0.0.1").exit()).isZero();
                assertThat(order(obj)).as("the programs ran in that order").containsExactly(3, 2, 1);

                assertThatThrownBy(() -> CgroupLink.attach(count, cg, CgroupPosition.LAST.atRevision(3)))
                        .isInstanceOf(BpfException.class).hasMessageContaining("changed since revision 3 (it is at 4 now)")
                        .extracting(e -> ((BpfException) e).errno()).isEqualTo(Errno.ESTALE);
                assertThatThrownBy(() -> CgroupLink.attach(count, cg, CgroupPosition.before(tag1)))
                        .isInstanceOf(BpfException.class).hasMessageContaining("only relative to another cgroup link");
                assertThat(egressIds(cg)).as("refusals change nothing").containsExactly(tag3.id(), tag2.id(), tag1.id());
            }
            try (CgroupAttachment a1 = CgroupAttachment.attach(tag1, cg, CgroupAttachMode.MULTI);
                 CgroupAttachment a2 = CgroupAttachment.attach(tag2, cg, CgroupPosition.before(tag1));
                 CgroupAttachment a3 = CgroupAttachment.attach(tag3, cg, CgroupPosition.after(tag2))) {
                assertThat(egressIds(cg)).containsExactly(tag2.id(), tag3.id(), tag1.id());
                assertThat(bpftoolEgress(cg)).containsExactly("cg_tag2", "cg_tag3", "cg_tag1");
                resetOrder(obj);
                assertThat(in(cg, "ping -c 1 -W 1 127.0.0.1").exit()).isZero();
                assertThat(order(obj)).containsExactly(2, 3, 1);
                assertThatThrownBy(() -> CgroupAttachment.attach(count, cg, CgroupPosition.after(obj.program("cg_untyped"))))
                        .isInstanceOf(BpfException.class).hasMessageContaining("is not attached there")
                        .extracting(e -> ((BpfException) e).errno()).isEqualTo(Errno.ENOENT);
            }
            assertThat(CgroupQuery.attached(cg)).isEmpty();
        }
        assertNoFdLeak();
    }

    @Test
    void multiRunsProgramsInAttachOrderAndReplaceSwapsOneInPlace() throws IOException {
        Path cg = cgroup("multi");
        try (BpfObject obj = load("cgroup_skb.o")) {
            BpfProgram tag1 = obj.program("cg_tag1");
            BpfProgram tag2 = obj.program("cg_tag2");
            BpfProgram tag3 = obj.program("cg_tag3");
            try (CgroupAttachment a1 = CgroupAttachment.attach(tag1, cg, CgroupAttachMode.MULTI);
                 CgroupAttachment a2 = CgroupAttachment.attach(tag2, cg, CgroupAttachMode.MULTI)) {
                assertThat(in(cg, "ping -c 2 -i 0.2 -W 1 127.0.0.1").exit()).isZero();
                assertThat(order(obj)).containsExactly(1, 2, 1, 2);

                try (CgroupAttachment a3 = CgroupAttachment.replace(tag1, tag3, cg)) {
                    assertThat(a3.mode()).isEqualTo(CgroupAttachMode.MULTI);
                    assertThat(CgroupQuery.attached(cg)).extracting(CgroupQuery.Program::id)
                            .as("tag3 in tag1's place").containsExactly(tag3.id(), tag2.id());
                    assertThat(a1.info().progId()).as("tag1 is no longer attached").isZero();
                    resetOrder(obj);
                    assertThat(in(cg, "ping -c 1 -W 1 127.0.0.1").exit()).isZero();
                    assertThat(order(obj)).containsExactly(3, 2);

                    // The same program twice in one list: refused, with the reason.
                    assertThatThrownBy(() -> CgroupAttachment.attach(tag2, cg, CgroupAttachMode.MULTI))
                            .isInstanceOf(BpfException.class).hasMessageContaining("attached there already");
                    // Another mode on a multi list: refused, naming the mode there.
                    assertThatThrownBy(() -> CgroupAttachment.attach(tag1, cg, CgroupAttachMode.OVERRIDE))
                            .isInstanceOf(BpfException.class).hasMessageContaining("in MULTI mode")
                            .extracting(e -> ((BpfException) e).errno()).isEqualTo(Errno.EPERM);
                    // Replacing a program that is not there.
                    assertThatThrownBy(() -> CgroupAttachment.replace(tag1, obj.program("cg_untyped"), cg,
                            AttachType.CGROUP_INET_EGRESS))
                            .isInstanceOf(BpfException.class).hasMessageContaining("is not attached");
                }
                // a1's program was replaced away: closing it detaches nothing.
            }
            assertThat(CgroupQuery.attached(cg)).isEmpty();
        }
        assertNoFdLeak();
    }

    @Test
    void overrideLetsAChildReplaceTheParentsProgramAndExclusiveForbidsIt() throws IOException {
        Path parent = cgroup("override");
        Path child = cgroup(parent, "child");
        try (BpfObject obj = load("cgroup_skb.o")) {
            BpfProgram tag1 = obj.program("cg_tag1");
            BpfProgram tag2 = obj.program("cg_tag2");
            try (CgroupAttachment p = CgroupAttachment.attach(tag1, parent, CgroupAttachMode.OVERRIDE);
                 CgroupAttachment c = CgroupAttachment.attach(tag2, child, CgroupAttachMode.OVERRIDE)) {
                assertThat(in(child, "ping -c 1 -W 1 127.0.0.1").exit()).isZero();
                assertThat(order(obj)).as("in the child only its own program runs").containsExactly(2);
                resetOrder(obj);
                assertThat(in(parent, "ping -c 1 -W 1 127.0.0.1").exit()).isZero();
                assertThat(order(obj)).containsExactly(1);
                assertThat(CgroupQuery.effective(child)).extracting(CgroupQuery.Program::id).containsExactly(tag2.id());
                assertThat(CgroupQuery.attached(parent)).extracting(CgroupQuery.Program::mode)
                        .containsExactly(CgroupAttachMode.OVERRIDE);

                // update() in OVERRIDE mode attaches over its own program.
                c.update(tag1);
                resetOrder(obj);
                assertThat(in(child, "ping -c 1 -W 1 127.0.0.1").exit()).isZero();
                assertThat(order(obj)).containsExactly(1);
                assertThat(c.progId()).isEqualTo(tag1.id());
            }
            try (CgroupAttachment p = CgroupAttachment.attach(tag1, parent, CgroupAttachMode.EXCLUSIVE)) {
                assertThatThrownBy(() -> CgroupAttachment.attach(tag2, child, CgroupAttachMode.EXCLUSIVE))
                        .isInstanceOf(BpfException.class).hasMessageContaining("ancestor cgroup")
                        .extracting(e -> ((BpfException) e).errno()).isEqualTo(Errno.EPERM);
                // EXCLUSIVE: attaching again on the same cgroup replaces the program.
                try (CgroupAttachment again = CgroupAttachment.attach(tag2, parent, CgroupAttachMode.EXCLUSIVE)) {
                    assertThat(CgroupQuery.attached(parent)).extracting(CgroupQuery.Program::id).containsExactly(tag2.id());
                    assertThat(p.info().progId()).as("someone else's program is there now").isEqualTo(tag2.id());
                    assertThatThrownBy(() -> p.update(tag1)).isInstanceOf(BpfException.class)
                            .hasMessageContaining("someone else replaced or detached it");
                    p.close();
                    assertThat(CgroupQuery.attached(parent)).as("closing p left tag2 attached")
                            .extracting(CgroupQuery.Program::id).containsExactly(tag2.id());
                }
                assertThat(CgroupQuery.attached(parent)).isEmpty();
            }
        }
        assertNoFdLeak();
    }

    @Test
    void pinnedLinkSurvivesCloseAndUpdateSwapsItsProgram() throws IOException {
        Path cg = cgroup("pinned");
        Path pin = PINS.resolve("egress");
        try (BpfObject obj = load("cgroup_skb.o")) {
            BpfProgram tag1 = obj.program("cg_tag1");
            BpfProgram tag2 = obj.program("cg_tag2");
            int linkId;
            try (CgroupLink link = CgroupLink.attach(tag1, cg)) {
                link.pin(pin);
                linkId = link.id();
            }
            assertThat(in(cg, "ping -c 1 -W 1 127.0.0.1").exit()).isZero();
            assertThat(order(obj)).as("still attached after close, through the pin").containsExactly(1);
            assertThat(Sh.run("bpftool", "link", "show", "id", Integer.toString(linkId)).out())
                    .contains("cgroup").contains("prog " + tag1.id());
            try (CgroupLink link = CgroupLink.fromPin(pin)) {
                assertThat(link.id()).isEqualTo(linkId);
                assertThat(link.cgroup()).isEqualTo(cg);
                assertThat(link.attachType()).isEqualTo(AttachType.CGROUP_INET_EGRESS);
                link.update(tag2);
                assertThat(link.info().progId()).isEqualTo(tag2.id());
                resetOrder(obj);
                assertThat(in(cg, "ping -c 1 -W 1 127.0.0.1").exit()).isZero();
                assertThat(order(obj)).containsExactly(2);
                try (BpfObject sys = load("cgroup_dev_sysctl.o")) {
                    assertThatThrownBy(() -> link.update(sys.program("cg_sysctl"))).isInstanceOf(BpfException.class)
                            .hasMessageContaining("it is BPF_PROG_TYPE_CGROUP_SYSCTL, and the link runs BPF_PROG_TYPE_CGROUP_SKB");
                }
                link.unpin();
            }
            assertThat(Files.exists(pin)).isFalse();
            assertThat(CgroupQuery.attached(cg)).as("unpinned and closed: detached").isEmpty();
        }
        assertNoFdLeak();
    }

    @Test
    void theAttachTypeComesFromTheSectionOrIsGiven() throws IOException {
        Path cg = cgroup("types");
        try (BpfObject obj = load("cgroup_skb.o")) {
            BpfProgram untyped = obj.program("cg_untyped");
            assertThat(untyped.expectedAttachType()).isNull();
            assertThat(obj.program("cg_tag1").expectedAttachType()).isEqualTo(AttachType.CGROUP_INET_EGRESS);
            assertThatThrownBy(() -> CgroupLink.attach(untyped, cg)).isInstanceOf(BpfException.class)
                    .hasMessageContaining("cg_untyped (section cgroup/skb) does not say which cgroup hook");
            assertThatThrownBy(() -> CgroupLink.attach(untyped, cg, AttachType.CGROUP_SYSCTL))
                    .isInstanceOf(BpfException.class)
                    .hasMessageContaining("it is BPF_PROG_TYPE_CGROUP_SKB, and that hook runs BPF_PROG_TYPE_CGROUP_SYSCTL");
            assertThatThrownBy(() -> CgroupLink.attach(untyped, cg, AttachType.XDP))
                    .isInstanceOf(BpfException.class).hasMessageContaining("BPF_XDP is not a cgroup hook");
            assertThatThrownBy(() -> CgroupLink.attach(untyped, ROOT.resolve("jcg-no-such-cgroup")))
                    .isInstanceOf(BpfException.class).hasMessageContaining("does not say");
            assertThatThrownBy(() -> CgroupLink.attach(untyped, ROOT.resolve("jcg-no-such-cgroup"), AttachType.CGROUP_INET_EGRESS))
                    .isInstanceOf(BpfException.class).hasMessageContaining("no such cgroup directory")
                    .hasMessageContaining("ENOENT");
            assertThatThrownBy(() -> CgroupLink.attach(untyped, Path.of("/tmp"), AttachType.CGROUP_INET_EGRESS))
                    .isInstanceOf(BpfException.class).hasMessageContaining("/tmp is not a cgroup v2 directory");
            try (CgroupLink link = CgroupLink.attach(untyped, cg, AttachType.CGROUP_INET_EGRESS);
                 CgroupAttachment a = CgroupAttachment.attach(obj.program("cg_tag1"), cg, CgroupAttachMode.MULTI)) {
                assertThat(in(cg, "ping -c 1 -W 1 127.0.0.1").exit()).isZero();
                // Links and multi attachments share the cgroup's list, in attach order.
                assertThat(order(obj)).containsExactly(9, 1);
                assertThatThrownBy(() -> a.pin(PINS.resolve("attachment"))).isInstanceOf(BpfException.class)
                        .hasMessageContaining("no bpf_link to pin").hasMessageContaining("CgroupLink.attach");
            }
        }
        assertNoFdLeak();
    }

    @Test
    void closingAnAttachmentAfterItsCgroupWasRemovedIsQuiet() throws IOException {
        Path cg = cgroup("removed");
        try (BpfObject obj = load("cgroup_skb.o")) {
            CgroupAttachment a = CgroupAttachment.attach(obj.program("cg_tag1"), cg, CgroupAttachMode.EXCLUSIVE);
            Files.delete(cg);
            a.close();
            assertThatThrownBy(() -> a.update(obj.program("cg_tag2"))).isInstanceOf(BpfException.class)
                    .hasMessageContaining("the attachment is closed");
            assertThatThrownBy(() -> CgroupLink.fromPin(PINS.resolve("nothing-here"))).isInstanceOf(BpfException.class)
                    .hasMessageContaining("pinned link " + PINS.resolve("nothing-here"));
        }
        assertNoFdLeak();
    }

    /** One entry of {@code bpftool cgroup show/tree -j}: id, attach_type, attach_flags (absent for effective), name. */
    private record Listed(int id, String attachType, String flags, String name) {
    }

    private static final Pattern ENTRY = Pattern.compile(
            "\\{\"id\":(\\d+),\"attach_type\":\"(\\w+)\",(?:\"attach_flags\":\"(\\w*)\",)?\"name\":\"(\\w*)\"");

    private static List<Listed> listed(String json) {
        List<Listed> out = new ArrayList<>();
        Matcher m = ENTRY.matcher(json);
        while (m.find()) {
            out.add(new Listed(Integer.parseInt(m.group(1)), m.group(2), m.group(3), m.group(4)));
        }
        return out;
    }

    private static List<Listed> ours(List<CgroupQuery.Program> programs, boolean withFlags) {
        return programs.stream().map(p -> new Listed(p.id(), p.attachType().name().toLowerCase(),
                withFlags ? switch (p.mode()) {
                    case EXCLUSIVE -> "";
                    case OVERRIDE -> "override";
                    case MULTI -> "multi";
                } : null, p.name())).toList();
    }

    @Test
    void queryAgreesWithBpftool() throws IOException {
        Path parent = cgroup("query");
        Path child = cgroup(parent, "child");
        try (BpfObject skb = load("cgroup_skb.o");
             BpfObject sys = load("cgroup_dev_sysctl.o");
             CgroupLink egress = CgroupLink.attach(skb.program("cg_count_egress"), parent);
             CgroupAttachment ingress = CgroupAttachment.attach(skb.program("cg_drop_ingress"), parent, CgroupAttachMode.MULTI);
             CgroupAttachment sysctl = CgroupAttachment.attach(sys.program("cg_sysctl"), parent, CgroupAttachMode.OVERRIDE);
             CgroupAttachment tag = CgroupAttachment.attach(skb.program("cg_tag1"), child, CgroupAttachMode.MULTI)) {
            List<CgroupQuery.Program> attached = CgroupQuery.attached(parent);
            assertThat(attached).extracting(CgroupQuery.Program::attachType).containsExactly(
                    AttachType.CGROUP_INET_INGRESS, AttachType.CGROUP_INET_EGRESS, AttachType.CGROUP_SYSCTL);
            assertThat(attached).extracting(CgroupQuery.Program::name).containsExactly("cg_drop_ingress", "cg_count_egress", "cg_sysctl");
            Sh.Result show = Sh.run("bpftool", "cgroup", "show", parent.toString(), "-j");
            assertThat(show.exit()).as(show.all()).isZero();
            assertThat(ours(attached, true)).isEqualTo(listed(show.out()));

            List<CgroupQuery.Program> effective = CgroupQuery.effective(child);
            assertThat(effective).hasSize(4);
            Sh.Result eff = Sh.run("bpftool", "cgroup", "show", child.toString(), "effective", "-j");
            assertThat(eff.exit()).as(eff.all()).isZero();
            assertThat(ours(effective, false)).isEqualTo(listed(eff.out()));

            List<CgroupQuery.Cgroup> tree = CgroupQuery.tree(parent);
            assertThat(tree).extracting(CgroupQuery.Cgroup::path).containsExactly(parent, child);
            Sh.Result bpftoolTree = Sh.run("bpftool", "cgroup", "tree", parent.toString(), "-j");
            assertThat(bpftoolTree.exit()).as(bpftoolTree.all()).isZero();
            List<Listed> fromTree = new ArrayList<>();
            tree.forEach(c -> fromTree.addAll(ours(c.programs(), true)));
            assertThat(fromTree).isEqualTo(listed(bpftoolTree.out()));
            assertThat(bpftoolTree.out()).contains("\"cgroup\":\"" + parent + "\"", "\"cgroup\":\"" + child + "\"");
        }
        assertNoFdLeak();
    }
}
