package io.jbpf;

import io.jbpf.common.BpfException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pin directory that is not on bpffs is refused with a message that says so, and nothing is created. */
class BpfFileSystemTest {
    @TempDir
    Path tmp;

    @Test
    void aPlainDirectoryIsNotBpffs() {
        assertThat(BpfFileSystem.type(tmp)).isPositive().isNotEqualTo(BpfFileSystem.BPF_FS_MAGIC);
    }

    @Test
    void pinDirectoriesOutsideBpffsAreRefusedBeforeAnythingIsCreated() {
        Path dir = tmp.resolve("tc/globals");
        PinLog log = new PinLog();
        assertThatThrownBy(() -> log.createDirectories(dir)).isInstanceOf(BpfException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("not on a bpf filesystem")
                .hasMessageContaining(tmp + " is on a filesystem of type 0x")
                .hasMessageContaining("mount -t bpf bpf /sys/fs/bpf")
                .hasMessageNotContaining("ENOENT");
        assertThat(tmp.resolve("tc")).doesNotExist();
        assertThat(log.directories()).isEmpty();
    }

    @Test
    void aPinInAPlainDirectoryNamesTheFilesystemNotEnoent() {
        // fd -1: the kernel would refuse it anyway; the path is what the message must be about.
        assertThatThrownBy(() -> Pins.pin(-1, tmp.resolve("m"), "map m")).isInstanceOf(BpfException.class)
                .hasMessageContaining("pin map m at " + tmp.resolve("m"))
                .hasMessageContaining("not on a bpf filesystem").hasMessageContaining("mount -t bpf bpf /sys/fs/bpf");
    }
}
