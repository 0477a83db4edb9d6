package io.jbpf.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.uapi.AttachType;
import io.jbpf.uapi.ProgType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of the cgroup hooks: mount lookup, query flags to modes, the hook table. No kernel needed. */
class CgroupsTest {
    @Test
    void findsCgroup2MountsAndUndoesTheKernelsEscapes() {
        List<String> mounts = List.of(
                "tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0",
                "cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0",
                "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0",
                "none /mnt/my\\040cgroups cgroup2 rw 0 0");
        assertThat(Cgroups.cgroup2Mounts(mounts))
                .containsExactly(Path.of("/sys/fs/cgroup/unified"), Path.of("/mnt/my cgroups"));
        assertThat(Cgroups.cgroup2Mounts(List.of("proc /proc proc rw 0 0"))).isEmpty();
    }

    @Test
    void queryFlagsGiveTheMode() {
        assertThat(CgroupAttachMode.of(0)).isEqualTo(CgroupAttachMode.EXCLUSIVE);
        assertThat(CgroupAttachMode.of(1)).isEqualTo(CgroupAttachMode.OVERRIDE);
        assertThat(CgroupAttachMode.of(2)).isEqualTo(CgroupAttachMode.MULTI);
        // BPF_F_ALLOW_MULTI with BPF_F_REPLACE or BPF_F_PREORDER bits is still a multi list.
        assertThat(CgroupAttachMode.of(2 | 4 | 64)).isEqualTo(CgroupAttachMode.MULTI);
        assertThat(CgroupAttachMode.MULTI.flag).isEqualTo(2);
        assertThat(CgroupAttachMode.OVERRIDE.flag).isEqualTo(1);
        assertThat(CgroupAttachMode.EXCLUSIVE.flag).isZero();
    }

    @Test
    void everyCgroupHookRunsTheProgramTypeOfItsSection() {
        assertThat(Cgroups.HOOKS).containsEntry(AttachType.CGROUP_INET_EGRESS, ProgType.CGROUP_SKB)
                .containsEntry(AttachType.CGROUP_INET4_CONNECT, ProgType.CGROUP_SOCK_ADDR)
                .containsEntry(AttachType.CGROUP_SOCK_OPS, ProgType.SOCK_OPS)
                .containsEntry(AttachType.CGROUP_DEVICE, ProgType.CGROUP_DEVICE)
                .containsEntry(AttachType.CGROUP_SYSCTL, ProgType.CGROUP_SYSCTL)
                .containsEntry(AttachType.CGROUP_GETSOCKOPT, ProgType.CGROUP_SOCKOPT)
                .containsEntry(AttachType.CGROUP_INET_SOCK_RELEASE, ProgType.CGROUP_SOCK)
                .doesNotContainKeys(AttachType.XDP, AttachType.SK_MSG_VERDICT, AttachType.FLOW_DISSECTOR);
        // The section table and the hook table agree for every cgroup section libbpf knows.
        for (String sec : List.of("cgroup_skb/ingress", "cgroup/sock_create", "cgroup/connect6", "cgroup/recvmsg4",
                "cgroup/getsockname6", "cgroup/post_bind4", "cgroup/dev", "cgroup/sysctl", "cgroup/setsockopt", "sockops")) {
            var def = io.jbpf.spec.SectionNames.classify(sec).orElseThrow();
            assertThat(Cgroups.HOOKS.get(def.expectedAttach())).as(sec).isEqualTo(def.type());
        }
    }
}
