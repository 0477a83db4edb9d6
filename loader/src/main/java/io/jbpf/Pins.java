package io.jbpf;

import io.jbpf.uapi.Errno;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfSyscall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Pins a loaded object's programs and maps in a bpffs directory, as {@code bpftool prog loadall
 * ... pinmaps} does, so they outlive the process. On failure the pins made so far are removed.
 */
public final class Pins {
    private Pins() {
    }

    /**
     * Pins every program of {@code obj} as {@code dir/<program>} and every map as
     * {@code dir/<map>} ('.' in names becomes '_'); returns the paths. {@code dir} is created if missing.
     */
    public static List<Path> pinAll(BpfObject obj, Path dir) {
        return pinAll(obj, dir, new PinLog());
    }

    /**
     * As {@link #pinAll(BpfObject, Path)}, recording the pins and the directories it creates in
     * {@code log}, so that the caller can take them back if a later step fails.
     */
    public static List<Path> pinAll(BpfObject obj, Path dir, PinLog log) {
        PinLog mine = new PinLog();
        try {
            mine.createDirectories(dir);
            for (BpfProgram p : obj.programs().values()) {
                mine.pin(p.fd(), dir.resolve(fileName(p.name())), "program " + p.name());
            }
            for (BpfMap m : obj.maps().values()) {
                mine.pin(m.fd(), dir.resolve(fileName(m.name())), "map " + m.name());
            }
        } catch (RuntimeException e) {
            mine.undo();
            throw e;
        }
        mine.directories().forEach(log::recordDirectory);
        mine.pins().forEach(log::recordPin);
        return mine.pins();
    }

    /** bpffs refuses '.' in names ("myobj.bss"); bpftool pins such maps with '_' instead, and so does jbpf. */
    static String fileName(String name) {
        return name.replace('.', '_');
    }

    /** Pins {@code fd} at {@code path}; {@code what} names it in errors. */
    public static Path pin(int fd, Path path, String what) {
        int r = BpfSyscall.objPin(fd, path.toString());
        if (r < 0 && path.getParent() != null) {
            BpfFileSystem.require(path.getParent(), "pin " + what + " at " + path); // off bpffs: say so, not ENOENT
        }
        if (r < 0) {
            throw new BpfException("pin " + what + " at " + path
                    + (-r == Errno.EPERM ? " (is a bpffs mounted there? `ip netns exec` hides /sys/fs/bpf)" : ""), -r);
        }
        return path;
    }

    /** Removes pins, best effort. */
    public static void unpin(List<Path> pins) {
        for (Path p : pins) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort on a cleanup path; the original failure is what the user needs
            }
        }
    }
}
