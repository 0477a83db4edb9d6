package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.common.BpfException;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.LinkType;
import io.jbpf.uapi.ProgType;
import org.junit.jupiter.api.Test;

/**
 * The kernel's type numbers become enums as bpf_map_info / bpf_prog_info are read; a number from
 * a kernel newer than this jbpf is refused naming the object's id and the number (no kernel needed).
 */
class KernelInfoTypesTest {
    @Test
    void knownNumbersBecomeTheirConstants() {
        assertThat(KernelInfo.mapType("map m", 3, 1)).isEqualTo(MapType.HASH);
        assertThat(KernelInfo.mapType("map m", 3, 33)).isEqualTo(MapType.ARENA);
        assertThat(KernelInfo.progType("program p", 4, 6)).isEqualTo(ProgType.XDP);
        assertThat(KernelInfo.progType("program p", 4, 32)).isEqualTo(ProgType.NETFILTER);
    }

    @Test
    void aMapTypeNewerThanThisJbpfNamesTheMapIdAndTheNumber() {
        assertThatThrownBy(() -> KernelInfo.mapType("map", 17, 34)).isInstanceOf(BpfException.class)
                .hasMessage("map (map id 17) is of map type 34, which is newer than this jbpf (it knows up to "
                        + "BPF_MAP_TYPE_ARENA = 33): use a newer jbpf");
    }

    @Test
    void aProgramTypeNewerThanThisJbpfNamesTheProgramIdAndTheNumber() {
        assertThatThrownBy(() -> KernelInfo.progType("program xdp_x", 9, 40)).isInstanceOf(BpfException.class)
                .hasMessage("program xdp_x (program id 9) is of program type 40, which is newer than this jbpf (it knows up "
                        + "to BPF_PROG_TYPE_NETFILTER = 32): use a newer jbpf");
    }

    @Test
    void aLinkTypeNewerThanThisJbpfNamesTheLinkIdAndTheNumber() {
        assertThat(KernelInfo.linkType("link l", 3, 6)).isEqualTo(LinkType.XDP);
        assertThatThrownBy(() -> KernelInfo.linkType("pinned link /sys/fs/bpf/l", 5, 99)).isInstanceOf(BpfException.class)
                .hasMessage("pinned link /sys/fs/bpf/l (link id 5) is of link type 99, which is newer than this jbpf (it knows up "
                        + "to BPF_LINK_TYPE_SOCKMAP = 14): use a newer jbpf");
    }
}
