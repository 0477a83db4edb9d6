package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Native;
import io.jbpf.link.IfAttached;
import io.jbpf.link.Link;
import io.jbpf.link.TracepointLink;
import io.jbpf.link.XdpAttach;
import io.jbpf.link.XdpBpfLink;
import io.jbpf.link.XdpLink;
import io.jbpf.link.XdpMode;
import io.jbpf.testing.BpfFs;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.NetNs;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TestEnv;
import io.jbpf.uapi.Errno;
import io.jbpf.uapi.LinkType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every attachment is a {@link Link}: pinned, a bpf_link outlives its fd and can be reopened;
 * update swaps the program where the kernel can and says why not where it cannot; info agrees
 * with bpftool. Checked from outside with bpftool and ip, and by what the programs do.
 */
class LinkIT {
    private static final Native.Function GETPID = Native.function("getpid", Native.Returns.INT, 0);

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    @Test
    void xdpBpfLinkPinnedOutlivesItsFdAndUpdateSwapsTheProgram() throws Exception {
        int before = Fds.count();
        try (TestEnv env = TestEnv.setup();
             BpfFs fs = new BpfFs();
             BpfObject pass = BpfObject.load(Objects.path("xdp_pass.o"));
             BpfObject drop = BpfObject.load(Objects.path("xdp_drop.o"));
             BpfObject tp = BpfObject.load(Objects.path("corpus/tp_getpid.o"))) {
            BpfProgram passProg = pass.program("xdp_pass_func");
            BpfProgram dropProg = drop.program("xdp_drop_func");
            Path pin = fs.dir.resolve("xdp_link");
            int ifindex = NetNs.call(env.xdpNs(), () -> XdpAttach.ifindex(env.name));

            XdpBpfLink link = NetNs.call(env.xdpNs(), () -> XdpBpfLink.attach(passProg, env.name, XdpMode.NATIVE));
            int linkId = link.id();
            assertThat(link.info()).isEqualTo(new KernelInfo.Link(linkId, LinkType.XDP, passProg.id(), ifindex, null));
            assertBpftoolAgrees(link.info(), "xdp");
            assertThat(Sh.run("ip", "-n", env.xdpNs(), "-o", "link", "show", "dev", env.name).out())
                    .as("ip agrees on the ifindex (this bpftool does not print it)").startsWith(ifindex + ": " + env.name + "@");

            link.pin(pin);
            assertThatThrownBy(() -> link.pin(fs.dir.resolve("again"))).isInstanceOf(BpfException.class)
                    .hasMessageContaining("pinned at " + pin + " already");
            link.close();
            assertThat(env.ipLink()).as("pinned, the link keeps the program attached without an fd")
                    .contains("prog/xdp id " + passProg.id());
            assertThat(bpftool("link", "show", "pinned", pin.toString(), "--json")).contains("\"id\":" + linkId);
            assertThatThrownBy(link::info).isInstanceOf(BpfException.class).hasMessageContaining("closed");

            XdpBpfLink again = NetNs.call(env.xdpNs(), () -> XdpBpfLink.fromPin(pin));
            try {
                assertThat(again.id()).isEqualTo(linkId);
                assertThat(again.device()).isEqualTo(env.name);
                assertThat(again.info().progId()).isEqualTo(passProg.id());

                again.update(dropProg);
                assertThat(again.info().progId()).isEqualTo(dropProg.id());
                assertThat(jsonInt(bpftool("link", "show", "id", String.valueOf(linkId), "--json"), "prog_id"))
                        .as("bpftool sees the link run the new program").isEqualTo(dropProg.id());
                assertThat(env.ipLink()).contains("prog/xdp id " + dropProg.id());
                assertThat(env.ping(2, false)).as("xdp_drop drops").isZero();

                assertThatThrownBy(() -> again.update(tp.program("tp_getpid"))).isInstanceOf(BpfException.class)
                        .hasMessageContaining("BPF_PROG_TYPE_TRACEPOINT").hasMessageContaining("only XDP programs")
                        .hasMessageContaining("EINVAL");
                assertThat(again.info().progId()).as("a refused update changes nothing").isEqualTo(dropProg.id());

                again.update(passProg);
                assertThat(env.ping(2, false)).as("xdp_pass again").isEqualTo(2);

                again.unpin();
                assertThat(pin).as("unpin removes the pin it was opened from").doesNotExist();
                again.unpin(); // not pinned: nothing to do
                assertThat(env.ipLink()).as("the open fd still holds it").contains("prog/xdp id " + passProg.id());
            } finally {
                again.close();
            }
            assertThat(env.ipLink()).as("unpinned and closed: detached").doesNotContain("prog/xdp");
            assertThat(Sh.run("bpftool", "link", "show", "id", String.valueOf(linkId)).exit()).as("the link is gone")
                    .isNotZero();
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void fromPinRefusesWhatIsNotAnXdpLink() {
        int before = Fds.count();
        try (BpfFs fs = new BpfFs(); BpfObject pass = BpfObject.load(Objects.path("xdp_pass.o"))) {
            Path progPin = Pins.pin(pass.program("xdp_pass_func").fd(), fs.dir.resolve("prog"), "program");
            assertThatThrownBy(() -> XdpBpfLink.fromPin(progPin)).isInstanceOf(BpfException.class)
                    .hasMessageContaining("pinned link " + progPin + ": is a BPF program, not a link");
            assertThatThrownBy(() -> XdpBpfLink.fromPin(fs.dir.resolve("missing"))).isInstanceOf(BpfException.class)
                    .hasMessageContaining("ENOENT");
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void xdpLinkOverNetlinkUpdatesOnlyItsOwnProgramAndCannotBePinned() {
        int before = Fds.count();
        try (TestEnv env = TestEnv.setup();
             BpfFs fs = new BpfFs();
             BpfObject pass = BpfObject.load(Objects.path("xdp_pass.o"));
             BpfObject drop = BpfObject.load(Objects.path("xdp_drop.o"));
             BpfObject third = BpfObject.load(Objects.path("xdp_pass.o"))) {
            BpfProgram passProg = pass.program("xdp_pass_func");
            BpfProgram dropProg = drop.program("xdp_drop_func");
            BpfProgram thirdProg = third.program("xdp_pass_func");
            NetNs.call(env.xdpNs(), () -> {
                int ifindex = XdpAttach.ifindex(env.name);
                XdpLink link = XdpLink.attach(passProg, env.name, XdpMode.NATIVE, IfAttached.FAIL);
                assertThat(link.info()).as("synthesized from netlink, no link id")
                        .isEqualTo(new KernelInfo.Link(0, LinkType.XDP, passProg.id(), ifindex, null));

                Path pin = fs.dir.resolve("netlink");
                assertThatThrownBy(() -> link.pin(pin)).isInstanceOf(BpfException.class)
                        .hasMessageContaining("over netlink has no bpf_link to pin").hasMessageContaining("XdpBpfLink.attach");
                assertThat(pin).doesNotExist();
                link.unpin(); // never pinned: nothing to do

                link.update(dropProg);
                assertThat(link.progId()).isEqualTo(dropProg.id());
                assertThat(env.ipLink()).contains("prog/xdp id " + dropProg.id());
                assertThat(env.ping(2, false)).as("xdp_drop drops").isZero();

                // Someone else takes the device: update must not throw their program out.
                XdpLink theirs = XdpLink.attach(thirdProg, env.name, XdpMode.NATIVE, IfAttached.REPLACE);
                assertThatThrownBy(() -> link.update(passProg)).isInstanceOf(BpfException.class)
                        .hasMessageContaining("runs program id " + thirdProg.id())
                        .hasMessageContaining("nothing was changed")
                        .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.EEXIST));
                assertThat(env.ipLink()).contains("prog/xdp id " + thirdProg.id());
                assertThat(link.info().progId()).as("info shows what is attached now").isEqualTo(thirdProg.id());
                link.close();
                assertThat(env.ipLink()).as("closing leaves their program").contains("prog/xdp id " + thirdProg.id());
                theirs.close();
                assertThat(env.ipLink()).doesNotContain("prog/xdp");
                return null;
            });
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    @Test
    void tracepointLinkPinsAndReportsButCannotBeUpdated() throws Exception {
        int before = Fds.count();
        try (BpfFs fs = new BpfFs();
             BpfObject obj = BpfObject.load(Objects.path("corpus/tp_getpid.o"));
             BpfObject other = BpfObject.load(Objects.path("corpus/tp_getpid.o"))) {
            BpfProgram prog = obj.program("tp_getpid");
            BpfMap calls = obj.map("getpid_calls");
            int tgid = getpid();
            Path pin = fs.dir.resolve("tp_link");

            TracepointLink link = TracepointLink.attach(prog);
            KernelInfo.Link info = link.info();
            assertThat(info.id()).isPositive();
            assertThat(info).isEqualTo(new KernelInfo.Link(info.id(), LinkType.PERF_EVENT, prog.id(), 0, "sys_enter_getpid"));
            assertBpftoolAgrees(info, "perf_event");

            assertThatThrownBy(() -> link.update(other.program("tp_getpid"))).isInstanceOf(BpfException.class)
                    .hasMessageContaining("cannot swap the program of a perf-event link")
                    .hasMessageContaining("TracepointLink.attach").hasMessageContaining("EINVAL");
            assertThat(link.info().progId()).isEqualTo(prog.id());

            link.pin(pin);
            assertThatThrownBy(() -> XdpBpfLink.fromPin(pin)).isInstanceOf(BpfException.class)
                    .hasMessageContaining("BPF_LINK_TYPE_PERF_EVENT link, not an XDP link");
            link.close();
            assertThat(bpftool("link", "show", "pinned", pin.toString(), "--json")).contains("\"id\":" + info.id());
            long pinned = countAfterGetpids(calls, tgid);
            assertThat(countAfterGetpids(calls, tgid)).as("pinned, the program still counts with the fd closed")
                    .isGreaterThanOrEqualTo(pinned + 100);

            link.unpin();
            assertThat(pin).doesNotExist();
            // The last reference went with the pin; the kernel frees the link from a workqueue.
            for (int i = 0; i < 100 && Sh.run("bpftool", "link", "show", "id", String.valueOf(info.id())).exit() == 0; i++) {
                Thread.sleep(50);
            }
            assertThat(Sh.run("bpftool", "link", "show", "id", String.valueOf(info.id())).exit()).isNotZero();
            long detached = countAfterGetpids(calls, tgid);
            assertThat(countAfterGetpids(calls, tgid)).as("unpinned: detached").isEqualTo(detached);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }

    /** Calls getpid() 100 times, then reads this process's count. */
    private static long countAfterGetpids(BpfMap calls, int tgid) {
        for (int i = 0; i < 100; i++) {
            getpid();
        }
        byte[] key = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(tgid).array();
        byte[] v = calls.lookup(key);
        return v == null ? 0 : ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static int getpid() {
        return (int) GETPID.call();
    }

    /** {@code bpftool link show id N --json} reports the same id, type, program (and ifindex, if it prints one). */
    private static void assertBpftoolAgrees(KernelInfo.Link info, String bpftoolType) {
        String json = bpftool("link", "show", "id", String.valueOf(info.id()), "--json");
        assertThat(jsonInt(json, "id")).isEqualTo(info.id());
        assertThat(json).contains("\"type\":\"" + bpftoolType + "\"");
        assertThat(jsonInt(json, "prog_id")).isEqualTo(info.progId());
        if (json.contains("\"ifindex\"")) { // bpftool 7.1 prints none for XDP links; later ones do
            assertThat(jsonInt(json, "ifindex")).isEqualTo(info.ifindex());
        }
    }

    private static String bpftool(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "bpftool";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Sh.Result r = Sh.run(cmd);
        assertThat(r.exit()).as(r.all()).isZero();
        return r.out();
    }

    private static int jsonInt(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        assertThat(m.find()).as(field + " in " + json).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
